#!/bin/bash
# bench/rehash.sh: `smtls rehash --from BUNDLE` against what a user would run instead:
#  (a) the forum recipe: split the bundle, one `openssl x509 -hash` process per certificate, rename;
#  (b) `openssl rehash` on the already split directory (the split itself not timed).
# Targets (issue 4): at least 20x faster than (a), no slower than (b).
# Usage: bench/rehash.sh [BUNDLE]   (SMTLS=path/to/smtls, RUNS=N; best of RUNS is reported)
# Measure a build without sanitizers: ASan/UBSan slow smtls down several times.
set -eu
SMTLS=${SMTLS:-$(cd "$(dirname "$0")/.." && pwd)/smtls}
BUNDLE=${1:-/etc/ssl/certs/ca-certificates.crt}
RUNS=${RUNS:-7}
W=$(mktemp -d "${TMPDIR:-/tmp}/smtls-bench.XXXXXX")
trap 'rm -rf "$W"' EXIT

now() { date +%s%N; }
# best RUN-time in ms of: prepare (untimed) then the command (timed)
best() { # best NAME PREPARE CMD
	local b=999999999 i t0 t1 prep=$2 cmd=$3
	for i in $(seq "$RUNS"); do
		rm -rf "$W/d"; mkdir "$W/d"
		eval "$prep"
		t0=$(now); eval "$cmd" >/dev/null 2>&1; t1=$(now)
		[ $(( (t1 - t0) / 1000 )) -lt $b ] && b=$(( (t1 - t0) / 1000 ))
	done
	echo "$b"
}
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
echo "bundle: $BUNDLE ($n certificates); best of $RUNS runs; smtls: $SMTLS"
ta=$(best forum ':' 'forum')
tb=$(best openssl 'split_bundle' 'openssl rehash "$W/d"')
tc=$(best smtls ':' '"$SMTLS" rehash "$W/d/ca" --from "$BUNDLE" --quiet')
tr=$(best smtls-again '"$SMTLS" rehash "$W/d/ca" --from "$BUNDLE" --quiet' '"$SMTLS" rehash "$W/d/ca" --from "$BUNDLE" --quiet')
ms() { printf '%d.%03d ms' $(($1 / 1000)) $(($1 % 1000)); }
echo "(a) forum recipe (split + openssl x509 -hash per cert + mv): $(ms "$ta")"
echo "(b) openssl rehash on the split directory:                  $(ms "$tb")"
echo "    smtls rehash --from BUNDLE into an empty directory:       $(ms "$tc")"
echo "    smtls rehash again (nothing to do):                       $(ms "$tr")"
ra=$(awk -v a="$ta" -v c="$tc" 'BEGIN { printf "%.1f", a / c }')
rb=$(awk -v b="$tb" -v c="$tc" 'BEGIN { printf "%.2f", b / c }')
echo "smtls is ${ra}x faster than (a) (target >= 20x): $(awk -v r="$ra" 'BEGIN { print (r >= 20 ? "met" : "NOT met") }')"
echo "smtls takes $(awk -v b="$tb" -v c="$tc" 'BEGIN { printf "%.2f", c / b }')x the time of (b) (target <= 1): $(awk -v c="$tc" -v b="$tb" 'BEGIN { print (c <= b ? "met" : "NOT met") }')"
