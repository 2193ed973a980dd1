#!/bin/bash
# bench/rehash.sh: `smtls rehash --from BUNDLE` against what a user would run instead:
#  (a) the forum recipe: split the bundle, one `openssl x509 -hash` process per certificate, rename;
#  (b) `openssl rehash` on the already split directory (the split itself not timed);
#  (b') for reference, the split (awk) and `openssl rehash` timed together.
# smtls runs with --keep-expired, so that it handles every certificate as the others do.
# smtls does more than (b): it writes the 144 files (which (b) gets for free) and makes them
# durable (one syncfs) before the links name them.
# Targets (issue 4): at least 20x faster than (a), no slower than (b).
# Usage: bench/rehash.sh [BUNDLE]   (SMTLS=path/to/smtls, RUNS=N, RUNS_A=N; the best run is reported)
# Measure a build without sanitizers: ASan/UBSan slow smtls down several times.
set -eu
SMTLS=${SMTLS:-$(cd "$(dirname "$0")/.." && pwd)/smtls}
BUNDLE=${1:-/etc/ssl/certs/ca-certificates.crt}
RUNS=${RUNS:-7}
W=$(mktemp -d "${TMPDIR:-/tmp}/smtls-bench.XXXXXX")
trap 'rm -rf "$W"' EXIT

now() { date +%s%N; }
# one timed run in microseconds: prepare (untimed) in a fresh $W/d, then the command
once() { # once PREPARE CMD
	rm -rf "$W/d"; mkdir "$W/d"
	eval "$1"
	local t0 t1
	t0=$(now); eval "$2" >/dev/null 2>&1; t1=$(now)
	echo $(( (t1 - t0) / 1000 ))
}
min() { [ "$1" -lt "$2" ] && echo "$1" || echo "$2"; }
split_bundle() { # split BUNDLE into d/cert-N.pem
	awk -v d="$W/d" '/-----BEGIN CERTIFICATE-----/ { n++; f = sprintf("%s/cert-%03d.pem", d, n) }
		f { print > f } /-----END CERTIFICATE-----/ { close(f); f = "" }' "$BUNDLE"
}
forum() { # the recipe from forum answers, collisions included
	split_bundle
	cd "$W/d"
	for f in cert-*.pem; do
		h=$(openssl x509 -hash -noout -in "$f")
		n=0; while [ -e "$h.$n" ]; do n=$((n + 1)); done
		mv "$f" "$h.$n"
	done
	cd - >/dev/null
}

n=$(grep -c -- '-----BEGIN CERTIFICATE-----' "$BUNDLE")
echo "bundle: $BUNDLE ($n certificates); best of $RUNS runs ((a): ${RUNS_A:=3}); smtls: $SMTLS"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
# (b), smtls and smtls-again alternate, so that they see the same load
ta=999999999; tb=999999999; tb2=999999999; tc=999999999; tr=999999999
for i in $(seq "$RUNS_A"); do ta=$(min "$ta" "$(once : forum)"); done
for i in $(seq "$RUNS"); do
	tb=$(min "$tb" "$(once split_bundle 'openssl rehash "$W/d"')")
	tb2=$(min "$tb2" "$(once : 'split_bundle && openssl rehash "$W/d"')")
	tc=$(min "$tc" "$(once : '"$SMTLS" rehash "$W/d/ca" --from "$BUNDLE" --quiet --keep-expired')")
	tr=$(min "$tr" "$(once '"$SMTLS" rehash "$W/d/ca" --from "$BUNDLE" --quiet --keep-expired' \
	    '"$SMTLS" rehash "$W/d/ca" --from "$BUNDLE" --quiet --keep-expired')")
done
ms() { printf '%d.%03d ms' $(($1 / 1000)) $(($1 % 1000)); }
echo "(a) forum recipe (split + openssl x509 -hash per cert + mv): $(ms "$ta")"
echo "(b) openssl rehash on the split directory:                  $(ms "$tb")"
echo "(b') the same with the split timed (awk + openssl rehash):  $(ms "$tb2")"
echo "    smtls rehash --from BUNDLE into an empty directory:       $(ms "$tc")"
echo "    smtls rehash again (nothing to do):                       $(ms "$tr")"
ra=$(awk -v a="$ta" -v c="$tc" 'BEGIN { printf "%.1f", a / c }')
rb=$(awk -v b="$tb" -v c="$tc" 'BEGIN { printf "%.2f", b / c }')
echo "smtls is ${ra}x faster than (a) (target >= 20x): $(awk -v r="$ra" 'BEGIN { print (r >= 20 ? "met" : "NOT met") }')"
echo "smtls takes $(awk -v b="$tb" -v c="$tc" 'BEGIN { printf "%.2f", c / b }')x the time of (b) (target <= 1): $(awk -v c="$tc" -v b="$tb" 'BEGIN { print (c <= b ? "met" : "NOT met") }')"
