#!/bin/bash
# bench/apply.sh: time `smtls apply` on Debian's stock sendmail.mc against the bare steps it
# wraps (m4 on the same mc, then sendmail -C cf -bC). Every apply changes the mc (the log
# level alternates), so each one runs the whole transaction: check, merge, m4, read-back,
# -bC, backups, install. Runs are interleaved. Target: apply at most 1.5x the bare steps.
# Usage: bench/apply.sh [N]   (SMTLS=path/to/smtls; as root, for unshare --uts)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
SMTLS=${SMTLS:-$top/smtls}
SM=${SM_BIN:-/usr/libexec/sendmail/sendmail}
N=${1:-20}
export SMTLS_SNIPPETSDIR=${SMTLS_SNIPPETSDIR:-$top/snippets}
W=$(mktemp -d "${TMPDIR:-/tmp}/smtls-bench.XXXXXX")
trap 'rm -rf "$W"' EXIT

mkdir -p "$W/etc/m4" "$W/pki/empty"
: > "$W/etc/m4/dialup.m4"; : > "$W/etc/m4/provider.m4"
sed "s|/etc/mail/m4/|$W/etc/m4/|" "$top/tests/data/debian-sendmail.mc" > "$W/etc/sendmail.mc"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$W/pki/key.pem" -out "$W/pki/cert.pem" \
	-days 30 -subj "/CN=bench.test.example" 2>/dev/null
chmod 600 "$W/pki/key.pem"
m4 "$W/etc/sendmail.mc" > "$W/etc/sendmail.cf"

# a dotted host name in a private UTS namespace: no 60 s "unqualified host name" sleep
cat > "$W/inner.sh" <<'INNER'
set -eu
hostname bench.test.example
ms() { echo $(( $(date +%s%N) / 1000000 )); }
args=(--server-cert "$W/pki/cert.pem" --server-key "$W/pki/key.pem" --ca-cert "$W/pki/cert.pem"
	--ca-path "$W/pki/empty" --hostname bench.test.example --mc "$W/etc/sendmail.mc"
	--sendmail "$SM" --force)
"$SMTLS" apply "${args[@]}" --log-level 9 >/dev/null 2>&1	# warm up; the block is in place
for i in $(seq "$N"); do
	t0=$(ms)
	"$SMTLS" apply "${args[@]}" --log-level $((10 + i % 2)) >/dev/null 2>&1
	t1=$(ms)
	m4 "$W/etc/sendmail.mc" > "$W/bare.cf"
	"$SM" -C "$W/bare.cf" -bC >/dev/null 2>&1
	t2=$(ms)
	echo $((t1 - t0)) >> "$W/apply.ms"
	echo $((t2 - t1)) >> "$W/bare.ms"
done
for i in $(seq "$N"); do
	t0=$(ms)
	"$SMTLS" apply "${args[@]}" --log-level $((10 + N % 2)) >/dev/null 2>&1
	echo $(( $(ms) - t0 )) >> "$W/unchanged.ms"
done
INNER
export W SMTLS SM N
unshare --uts bash "$W/inner.sh"

# median and mean; sendmail sometimes waits 5 s on a DNS query for the host name when no
# resolver answers: such runs show in the mean and the slow-run count, not in the median
median() { sort -n "$1" | awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
line() {
	awk -v what="$2" -v med="$(median "$1")" '{ s += $1; if ($1 > 1000) slow++ }
	END { printf "  %-34s median %6.1f ms   mean %7.1f ms   (%d of %d runs over 1 s)\n",
	    what, med, s / NR, slow, NR }' "$1"
}
echo "smtls apply on Debian's stock sendmail.mc, $N runs each, interleaved ($SMTLS)"
line "$W/apply.ms" "smtls apply (changing the mc)"
line "$W/bare.ms" "bare: m4 + sendmail -bC"
line "$W/unchanged.ms" "smtls apply (unchanged: no -bC)"
awk -v a="$(median "$W/apply.ms")" -v b="$(median "$W/bare.ms")" \
	'BEGIN { printf "  ratio of medians apply / bare       %5.2fx (target <= 1.5x)\n", a / b }'
