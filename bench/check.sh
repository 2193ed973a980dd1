#!/bin/bash
# bench/check.sh: `smtls check` on a Let's-Encrypt-like setup with CACertPath=/etc/ssl/certs,
# against the openssl command sequence an admin runs for the same answers (chain, expiry,
# name, key match). Prints the median wall time of each and their peak RSS.
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

cat > "$W/openssl.sh" <<SH
openssl verify -CApath /etc/ssl/certs -untrusted $L/chain.pem $L/cert.pem
openssl x509 -in $L/cert.pem -noout -checkend 0
openssl x509 -in $L/cert.pem -noout -checkend 1209600
openssl x509 -in $L/cert.pem -noout -checkhost $HOST
openssl x509 -in $L/cert.pem -noout -pubkey | openssl sha256
openssl pkey -in $L/privkey.pem -pubout | openssl sha256
SH

python3 - "$RUNS" "$SMTLS" "$L" "$HOST" "$W/openssl.sh" <<'PY'
import os, statistics, subprocess, sys, time
runs, smtls, live, host, script = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]

def peak_rss_kb(argv):
    """Peak RSS through GNU time: a small parent, so the fork's copy of Python is not counted."""
    if not os.access("/usr/bin/time", os.X_OK):
        return None
    r = subprocess.run(["/usr/bin/time", "-f", "%M"] + argv, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, text=True)
    return int(r.stderr.strip().splitlines()[-1])

def measure(argv):
    walls = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        walls.append(time.perf_counter() - t)
    rss = [peak_rss_kb(argv) for _ in range(3)]
    return statistics.median(walls) * 1000, None if rss[0] is None else max(rss)

def mb(kb):
    return "   n/a (install the 'time' package)" if kb is None else f"{kb / 1024:5.1f} MB"

smtls_argv = [smtls, "check", "--letsencrypt", live, "--ca-path", "/etc/ssl/certs",
              "--hostname", host, "--no-client-cert"]
a_ms, a_rss = measure(smtls_argv)
b_ms, b_rss = measure(["bash", script])
print(f"smtls check   : median {a_ms:7.1f} ms  peak RSS {mb(a_rss)}  ({runs} runs)")
print(f"openssl x 8   : median {b_ms:7.1f} ms  peak RSS {mb(b_rss)}  ({runs} runs)")
print(f"speed-up      : {b_ms / a_ms:.1f}x  (target >= 5x; RSS target < 16 MB)")
PY

# in-process, as the wizard calls check_plan() on every key (target < 50 ms)
TOP=$(cd "$(dirname "$SMTLS")" && pwd)
if [ -f "$TOP/libsmtls.a" ] && command -v cc > /dev/null; then
	san=""
	nm "$TOP/libsmtls.a" 2>/dev/null | grep -q __asan && san="-fsanitize=address,undefined"
	if cc -O2 $san -I"$HERE/../include" -I"$TOP" -I"$HERE/.." -o "$W/check-plan" "$HERE/check-plan.c" \
	    "$TOP/libsmtls.a" $(pkg-config --libs libssl libcrypto) 2> "$W/cc.log"; then
		read -r med max < <(ASAN_OPTIONS=detect_leaks=0 "$W/check-plan" "$L/cert.pem" \
		    "$L/privkey.pem" "$L/chain.pem" /etc/ssl/certs "$HOST" "$RUNS")
		echo "check_plan()  : median ${med} ms, slowest ${max} ms in-process ($RUNS runs; target < 50 ms)"
	fi
fi
