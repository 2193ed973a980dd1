#!/bin/bash
# bench/check.sh: `smtls check` on a Let's-Encrypt-like setup with CACertPath=/etc/ssl/certs,
# interleaved with (pair.py; both medians and the ratio of each round):
#  (1) bench/minverify.c: the least a C program does (load the certificate, chain and key,
#      verify against /etc/ssl/certs by hash lookup, compare the keys). Target: <= 1.5x.
#  (2) the openssl command sequence an admin runs for the same answers (below, written out).
#      Target: >= 10x faster.
#  (3) for reference: smtls check with nothing cached across processes (no cache directory).
# Then the wizard's re-check in-process (bench/check-plan.c against libsmtls.a): the first
# check_plan() and the median of the re-checks after it, nothing on disk changed (target 1 ms).
# smtls keeps what it learned from /etc/ssl/certs, its bundle and the sendmail binary in
# $SMTLS_CACHE_DIR; here a directory of its own, filled by the warm-up runs.
# Usage: bench/check.sh [RUNS]   (SMTLS=path/to/smtls; build without sanitizers for figures)
set -eu
RUNS=${1:-21}
HERE=$(cd "$(dirname "$0")" && pwd)
SMTLS=${SMTLS:-$HERE/../smtls}
[ -x "$SMTLS" ] || { echo "bench/check.sh: build smtls first (or set SMTLS)" >&2; exit 2; }
[ -d /etc/ssl/certs ] || { echo "bench/check.sh: /etc/ssl/certs is missing" >&2; exit 2; }
if nm "$SMTLS" 2>/dev/null | grep -q __asan_init; then
	echo "note: $SMTLS is a sanitizer build; its figures are several times slower" >&2
fi
W=$(mktemp -d "${HERE}/.bench.XXXXXX")
trap 'rm -rf "$W"' EXIT
bash "$HERE/../tests/gen-fixtures.sh" "$W/fx" > /dev/null
# a Let's Encrypt live directory: cert.pem, chain.pem, fullchain.pem, privkey.pem
L=$W/live/mail.test.example
mkdir -p "$L"
cp "$W/fx/good.pem" "$L/cert.pem"; cp "$W/fx/int.pem" "$L/chain.pem"
cat "$L/cert.pem" "$L/chain.pem" > "$L/fullchain.pem"
cp "$W/fx/good.key" "$L/privkey.pem"; chmod 600 "$L/privkey.pem"
HOST=mail.test.example
CRYPTO_LIBS=$(pkg-config --libs libcrypto 2>/dev/null || echo -lcrypto)
cc -O2 -o "$W/minverify" "$HERE/minverify.c" $CRYPTO_LIBS

# what an admin runs to learn what check says: dates, names, chain, key match
cat > "$W/openssl.sh" <<SH
openssl x509 -in $L/cert.pem -noout -dates
openssl x509 -in $L/cert.pem -noout -subject -issuer
openssl x509 -in $L/cert.pem -noout -ext subjectAltName
openssl x509 -in $L/cert.pem -noout -checkend 0
openssl x509 -in $L/cert.pem -noout -checkend 1209600
openssl x509 -in $L/cert.pem -noout -checkhost $HOST
openssl verify -CApath /etc/ssl/certs -untrusted $L/chain.pem $L/cert.pem
openssl x509 -in $L/chain.pem -noout -dates -subject
openssl x509 -in $L/cert.pem -noout -pubkey | openssl sha256
openssl pkey -in $L/privkey.pem -pubout | openssl sha256
SH

export SMTLS_CACHE_DIR=$W/cache
CHECK="$SMTLS check --letsencrypt $L --ca-path /etc/ssl/certs --hostname $HOST --no-client-cert"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); smtls: $SMTLS"
echo "(1) against the minimal C verify (target <= 1.5x):"
python3 "$HERE/pair.py" --runs "$RUNS" "smtls check" "$CHECK" \
    "minverify" "$W/minverify $L/cert.pem $L/privkey.pem $L/chain.pem /etc/ssl/certs"
echo "(2) against the openssl sequence (target: ratio <= 0.1, i.e. >= 10x faster):"
python3 "$HERE/pair.py" --runs "$RUNS" "smtls check" "$CHECK" "openssl x 11" "bash $W/openssl.sh"
echo "(3) nothing cached across processes, against the minimal C verify:"
python3 "$HERE/pair.py" --runs "$RUNS" "smtls check, no cache" \
    "env SMTLS_CACHE_DIR=$W/none/cache $CHECK" \
    "minverify" "env SMTLS_CACHE_DIR=$W/none/cache $W/minverify $L/cert.pem $L/privkey.pem $L/chain.pem /etc/ssl/certs"

# in-process, as the wizard calls check_plan() on every key
TOP=$(cd "$(dirname "$SMTLS")" && pwd)
if [ -f "$TOP/libsmtls.a" ]; then
	san=""
	nm "$TOP/libsmtls.a" 2>/dev/null | grep -q __asan && san="-fsanitize=address,undefined"
	if cc -O2 $san -I"$HERE/../include" -I"$TOP" -I"$HERE/.." -o "$W/check-plan" "$HERE/check-plan.c" \
	    "$TOP/libsmtls.a" $(pkg-config --libs libssl libcrypto) -lpthread 2> "$W/cc.log"; then
		read -r first med max < <(ASAN_OPTIONS=detect_leaks=0 SMTLS_CACHE_DIR=$W/none/cache \
		    "$W/check-plan" "$L/cert.pem" "$L/privkey.pem" "$L/chain.pem" /etc/ssl/certs "$HOST" \
		    "$RUNS")
		echo "(4) the wizard's re-check, check_plan() in-process, no cache on disk: first ${first} ms;"
		echo "    re-checks with nothing changed: median ${med} ms, slowest ${max} ms (target <= 1 ms)"
	else
		echo "(4) bench/check-plan.c did not build: $(head -3 "$W/cc.log")"
	fi
fi
