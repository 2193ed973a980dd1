# tests/lib-check.sh: fixtures and helpers for the `smtls check` tests. Source it instead of
# tests/lib.sh (which puts the scratch directory where sendmail's file-safety rules accept
# files), generates the test PKI in $F, and fakes sendmail builds for the binary-dependent findings.
. "$top_srcdir/tests/lib.sh"

F=$T/fx
# make check makes the PKI once (tests/fixtures, newer than gen-fixtures.sh): each test works on
# a copy of its own; without it (a test run by hand) the test makes its own
FX=${top_builddir:-.}/tests/fixtures
if [ "$FX/.done" -nt "$top_srcdir/tests/gen-fixtures.sh" ] && cp -R --preserve=mode "$FX" "$F"; then
	rm -f "$F/.done"
elif ! bash "$top_srcdir/tests/gen-fixtures.sh" "$F" > "$T/gen.log" 2>&1; then
	echo "Bail out! tests/gen-fixtures.sh failed: $(cat "$T/gen.log")"
	exit 1
fi

# fake sendmail builds: an ELF file carrying the strings sendmail.c looks for
fake_sendmail() { # NAME STRINGS...
	local f=$F/$1; shift
	cp /bin/true "$f"
	for s in "$@"; do printf '\0%s\0' "$s" >> "$f"; done
}
fake_sendmail sm-debian 8.17.1.9 STARTTLS=server SSL_CTX_new SSL_CTX_use_certificate_file TLS_EC
fake_sendmail sm-chain 8.17.1.9 STARTTLS=server SSL_CTX_new SSL_CTX_use_certificate_chain_file
fake_sendmail sm-dane 8.17.1.9 STARTTLS=server SSL_CTX_new SSL_CTX_use_certificate_file DANE
fake_sendmail sm-notls 8.17.1.9

AT=2026-06-01
HOST=mail.test.example
# chk ARGS...: smtls check --json at $AT with the test's public roots and a Debian-like build
chk() {
	run "$SMTLS" check --json --at "$AT" --hostname "$HOST" --public-roots "$F/public.pem" \
		--sendmail "$F/sm-debian" "$@"
}

# fires ID [FILE]: $OUT has a finding with this id (and file) that is not an "ok" mark: 0;
# none: 1; $OUT is not a findings document: 2 (see has_finding)
fires() {
	python3 - "$OUT" "$@" <<'PY'
import json, sys
fid = sys.argv[2]; f = sys.argv[3] if len(sys.argv) > 3 else None
try:
    hit = any(x["id"] == fid and x["severity"] != "ok" and (f is None or x["file"] == f)
              for x in json.loads(sys.argv[1])["findings"])
except Exception as e:
    sys.stderr.write("# not a findings document (%r): %.300s\n" % (e, sys.argv[1]))
    sys.exit(2)
sys.exit(0 if hit else 1)
PY
}
# severity ID: prints the severity of the first finding with this id
severity() {
	python3 - "$OUT" "$1" <<'PY'
import json, sys
doc = json.loads(sys.argv[1])
print(next((x["severity"] for x in doc["findings"] if x["id"] == sys.argv[2]), "none"))
PY
}
# field ID KEY: prints a key (message, fix, file) of the first finding with this id
field() {
	python3 - "$OUT" "$1" "$2" <<'PY'
import json, sys
doc = json.loads(sys.argv[1])
print(next((x[sys.argv[3]] or "" for x in doc["findings"] if x["id"] == sys.argv[2]), ""))
PY
}
# ok_fires ID NAME [FILE] / ok_quiet ID NAME: one TAP line each
ok_fires() { if fires "$1" ${3:+"$3"}; then pass "$2"; else fail "$2"; diag "$OUT"; fi; }
ok_quiet() { fires "$1"; if [ $? -eq 1 ]; then pass "$2"; else fail "$2"; diag "$OUT"; fi; }

SM_CF=${SM_CF_DIR:-/usr/share/sendmail/cf}
# mc FILE: writes a sendmail.mc that includes cf.m4 itself; the TLS lines come on stdin
mc() {
	{
		printf 'divert(-1)dnl\ninclude(`%s/m4/cf.m4'"'"')dnl\ndivert(0)dnl\n' "$SM_CF"
		printf 'OSTYPE(`linux'"'"')dnl\nDOMAIN(`generic'"'"')dnl\n'
		cat
		printf 'MAILER(`local'"'"')dnl\nMAILER(`smtp'"'"')dnl\n'
	} > "$1"
}
