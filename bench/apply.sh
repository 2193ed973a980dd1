#!/bin/bash
# bench/apply.sh: `smtls apply --no-prove` on Debian's stock sendmail.mc against what an admin
# does by hand for the same change: `m4 sendmail.mc > sendmail.cf; sendmail -bC -C
# sendmail.cf` (run by sh from a two-line script).
#
# - The mc is a sandbox copy of /etc/mail/sendmail.mc (or of the sendmail-cf package's
#   /usr/share/sendmail/cf/debian/sendmail.mc); /etc/mail is never written. Its includes of
#   /etc/mail/m4/*.m4 point at empty sandbox files.
# - Before every smtls run the stock mc and its cf are put back (untimed), so each apply does
#   the whole change of a first apply: read, merge, m4, read the options back, check, -bC,
#   two backups, the journal and its fsyncs, two renames. The bare side runs m4 on the merged
#   mc (the same text the apply installs) and -bC on its output.
# - --no-prove: the proof starts a second sendmail daemon and makes a TLS connection; it has
#   no counterpart in the bare steps, and this row compares the cost of building, checking
#   and installing. (`smtls prove` has its own timings.)
# - An unqualified host name ("vm") makes `sendmail -bC` sleep 60 s; smtls avoids that by
#   running it in a private UTS namespace with a dotted name. Here both sides run in one
#   such namespace (unshare --uts; hostname bench.test.example), so neither sleeps and smtls
#   takes its ordinary path (no namespace of its own).
# - The certificates are made at a fixed time (faketime) and judged at that time (--at).
# - The sandbox is under $TMPDIR or /var/tmp (a real disk: the fsyncs count); the file
#   system type is printed with the load average.
# Runs are interleaved (bench/pair.py); prints both medians and the ratio smtls/bare.
# Target (issue 14): ratio <= 1.2.
# Usage: bench/apply.sh [RUNS]   (as root, for unshare; SMTLS=path/to/smtls, SM_BIN=sendmail)
set -eu
RUNS=${1:-21}
HERE=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$HERE/.." && pwd)
SMTLS=${SMTLS:-$top/smtls}
SM=${SM_BIN:-/usr/libexec/sendmail/sendmail}
[ -x "$SMTLS" ] || { echo "bench/apply.sh: build smtls first (or set SMTLS)" >&2; exit 2; }
[ -x "$SM" ] || { echo "bench/apply.sh: no sendmail binary at $SM (set SM_BIN)" >&2; exit 2; }
STOCK=/etc/mail/sendmail.mc
[ -r "$STOCK" ] || STOCK=/usr/share/sendmail/cf/debian/sendmail.mc
[ -r "$STOCK" ] || { echo "bench/apply.sh: no stock sendmail.mc (install sendmail-cf)" >&2; exit 2; }
MADE="2026-01-01 00:00:00"
AT=2026-02-01T00:00:00Z
W=$(mktemp -d "${TMPDIR:-/var/tmp}/smtls-bench.XXXXXX")
trap 'rm -rf "$W"' EXIT
export SMTLS_SNIPPETSDIR=${SMTLS_SNIPPETSDIR:-$top/snippets}
export SMTLS_STATE_DIR=$W/state SMTLS_CACHE_DIR=$W/cache

mkdir -p "$W/etc/m4" "$W/pki/empty" "$W/bare" "$W/cache"
: > "$W/etc/m4/dialup.m4"; : > "$W/etc/m4/provider.m4"
sed "s|/etc/mail/m4/|$W/etc/m4/|" "$STOCK" > "$W/stock.mc"
m4 "$W/stock.mc" > "$W/stock.cf"
faketime "$MADE" openssl req -x509 -newkey rsa:2048 -nodes -keyout "$W/pki/key.pem" \
	-out "$W/pki/cert.pem" -days 365 -subj "/CN=bench.test.example" 2>/dev/null
chmod 600 "$W/pki/key.pem"

reset="cp $W/stock.mc $W/etc/sendmail.mc && cp $W/stock.cf $W/etc/sendmail.cf && rm -f $W/etc/*.smtls-*"
apply="$SMTLS apply --server-cert $W/pki/cert.pem --server-key $W/pki/key.pem \
--ca-cert $W/pki/cert.pem --ca-path $W/pki/empty --hostname bench.test.example \
--mc $W/etc/sendmail.mc --sendmail $SM --at $AT --force --no-prove"
# the merged mc, for the bare side
sh -c "$reset"
unshare --uts sh -c "hostname bench.test.example && $apply" > "$W/first.out" 2>&1 ||
	{ cat "$W/first.out" >&2; echo "bench/apply.sh: smtls apply failed" >&2; exit 1; }
cp "$W/etc/sendmail.mc" "$W/bare/sendmail.mc"
printf 'm4 %s > %s\n%s -bC -C %s\n' "$W/bare/sendmail.mc" "$W/bare/sendmail.cf" "$SM" \
	"$W/bare/sendmail.cf" > "$W/bare.sh"

if nm "$SMTLS" 2>/dev/null | grep -q __asan_init; then
	echo "note: $SMTLS is a sanitizer build; its figures are several times slower" >&2
fi
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) CPUs; sandbox on" \
	"$( (findmnt -n -o FSTYPE -T "$W" 2>/dev/null || stat -f -c %T "$W") | head -n 1) ($W); smtls: $SMTLS"
echo "smtls apply --no-prove on $STOCK (both files changed, two backups) vs m4 + sendmail -bC:"
unshare --uts sh -c 'hostname bench.test.example && exec "$@"' sh \
	python3 "$HERE/pair.py" --runs "$RUNS" --prep-a "$reset" \
	"smtls apply" "$apply" "m4 + sendmail -bC" "sh $W/bare.sh"
