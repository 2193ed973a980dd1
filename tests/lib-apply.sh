# tests/lib-apply.sh: fixtures for the emit/apply tests. Source after tests/lib.sh.
# A Debian-stock sendmail.mc whose includes point into the scratch dir, a plain mc, and a
# test PKI (root -> intermediate -> server/client leaves, a Let's-Encrypt-like layout, a
# self-signed certificate), all generated in $T.

SMTLS_SNIPPETSDIR=$top_srcdir/snippets; export SMTLS_SNIPPETSDIR
CF_DIR=${SM_CF_DIR:-/usr/share/sendmail/cf}

# stock_mc DIR [starttls]: DIR/sendmail.mc = Debian's stock mc (tests/data), its
# /etc/mail/m4 includes moved to DIR/m4; with "starttls", Debian's starttls.m4 is included
# before MAILER_DEFINITIONS as sendmailconfig does (its own paths are left as they are)
stock_mc() {
	local d=$1
	mkdir -p "$d/m4" "$d/tls"
	: > "$d/m4/dialup.m4"; : > "$d/m4/provider.m4"
	sed "s|/etc/mail/m4/|$d/m4/|" "$top_srcdir/tests/data/debian-sendmail.mc" > "$d/sendmail.mc"
	if [ "${2:-}" = starttls ]; then
		cp "$top_srcdir/tests/data/debian-starttls.m4" "$d/tls/starttls.m4"
		sed -i "s|^MAILER_DEFINITIONS|include(\`$d/tls/starttls.m4')dnl\n&|" "$d/sendmail.mc"
	fi
}

# plain_mc FILE: an mc that does not include cf.m4 itself (m4 needs cf.m4 given first)
plain_mc() {
	cat > "$1" <<'MC'
divert(-1)dnl
# a plain sendmail.mc: m4 needs cf.m4 on its command line
divert(0)dnl
OSTYPE(`linux')dnl
DOMAIN(`generic')dnl
MAILER(`local')dnl
MAILER(`smtp')dnl
MC
}

# cf_opt CF NAME: the value of the last "O NAME=" line of a sendmail.cf
cf_opt() { sed -n "s/^O $2=//p" "$1" | tail -1; }

# no_leftovers DIR: true when DIR holds no smtls temp file or backup
no_leftovers() { local l; l=$(ls -A "$1") && ! printf '%s\n' "$l" | grep -q 'smtls-'; }

# mkpki DIR: root (P-256) -> intermediate -> server (mail.test.example, 127.0.0.1) and
# client leaves (RSA 2048); LE-like le/{cert,chain,fullchain,privkey}.pem; self-signed ss.{pem,key}
mkpki() {
	local d=$1 x f cn e
	mkdir -p "$d/le" "$d/empty"
	printf '%s\n' '[r]' 'basicConstraints=critical,CA:true' 'keyUsage=critical,keyCertSign,cRLSign' \
	 '[i]' 'basicConstraints=critical,CA:true,pathlen:0' 'keyUsage=critical,keyCertSign,cRLSign' \
	 '[s]' 'extendedKeyUsage=serverAuth,clientAuth' 'subjectAltName=DNS:mail.test.example,IP:127.0.0.1' \
	 '[c]' 'extendedKeyUsage=clientAuth,serverAuth' 'subjectAltName=DNS:client.test.example' \
	 '[ss]' 'basicConstraints=critical,CA:false' 'extendedKeyUsage=serverAuth,clientAuth' \
	 'subjectAltName=DNS:mail.test.example,IP:127.0.0.1' > "$d/ext.cnf"
	cat /etc/ssl/openssl.cnf "$d/ext.cnf" > "$d/req.cnf"
	(
	cd "$d" || exit 1
	o() { openssl "$@" 2>/dev/null || { echo "openssl $* failed" >&2; exit 1; }; }
	o req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout root.key -out root.pem \
	  -days 3650 -subj "/O=smtls test/CN=smtls Test Root CA" -config req.cnf -extensions r
	o req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout int.key -out int.csr \
	  -subj "/O=smtls test/CN=smtls Test Intermediate CA"
	o x509 -req -in int.csr -CA root.pem -CAkey root.key -CAcreateserial -out int.pem -days 1825 \
	  -extfile ext.cnf -extensions i
	for x in server:mail:s client:client:c; do
		IFS=: read -r f cn e <<<"$x"
		o req -new -newkey rsa:2048 -nodes -keyout $f.key -out $f.csr \
		  -subj "/O=smtls test/CN=$cn.test.example"
		o x509 -req -in $f.csr -CA int.pem -CAkey int.key -CAcreateserial -out $f.pem -days 825 \
		  -extfile ext.cnf -extensions $e
	done
	o req -x509 -newkey rsa:2048 -nodes -keyout ss.key -out ss.pem -days 825 \
	  -subj "/O=smtls test/CN=mail.test.example" -config req.cnf -extensions ss
	cp server.pem le/cert.pem; cp int.pem le/chain.pem; cp server.key le/privkey.pem
	cat server.pem int.pem > le/fullchain.pem
	cat int.pem root.pem > ca-chain.pem
	chmod 600 ./*.key le/privkey.pem
	)
}

# smtls_ns ARGS...: run smtls in a private UTS namespace with a dotted host name, so that
# its `sendmail -bC' does not sleep on an unqualified host name (plain smtls when unshare
# is not allowed: then -bC is skipped with --sendmail /nonexistent)
if [ "$(id -u)" -eq 0 ] && unshare --uts true 2>/dev/null; then
	smtls_ns() { unshare --uts sh -c 'hostname apply.test.example && exec "$@"' sh "$SMTLS" "$@"; }
	HAVE_NS=1
else
	smtls_ns() { local c=$1; shift; "$SMTLS" "$c" --sendmail /nonexistent "$@"; }
	HAVE_NS=0
fi

# apply_case [nocf]: the PKI in $P, a stock sendmail.mc (and, unless nocf, its sendmail.cf) in
# $D, kept as $T/mc.orig and $T/cf.orig; ARGS applies TLS to it (no sendmail -bC); SHIM is
# the fault shim (tests/fault-shim.c), or the test skips all and exits
apply_case() {
	SHIM=${top_builddir:-.}/tests/fault-shim.so
	if [ ! -f "$SHIM" ]; then
		skip "fault injection" "tests/fault-shim.so is not built (make check builds it)"
		done_testing
		exit
	fi
	ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0"; export ASAN_OPTIONS
	mkpki "$T/pki"
	P=$T/pki
	D=$T/etc
	stock_mc "$D"
	if [ "${1:-}" != nocf ]; then
		m4 "$D/sendmail.mc" > "$D/sendmail.cf" 2>/dev/null
		cp -p "$D/sendmail.cf" "$T/cf.orig"
	fi
	cp -p "$D/sendmail.mc" "$T/mc.orig"
	ARGS=(--letsencrypt "$P/le" --ca-path "$P/empty" --hostname mail.test.example
		--mc "$D/sendmail.mc" --force --sendmail /nonexistent)
}
