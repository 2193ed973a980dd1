#!/bin/sh
# bench/explain.sh: `smtls explain --summary` against `grep -c STARTTLS` on a generated maillog
# (default 1 GB; about one line in ten a STARTTLS line, from thousands of relays).
# Prints throughput and peak RSS of both. Targets: at least half of grep's throughput, and a
# peak RSS under 32 MB. The log is generated under /tmp and deleted at the end.
# Usage: bench/explain.sh [SMTLS] (default ./smtls); SIZE_MB=N for another size; GZ=1 also
# compares `smtls explain --summary maillog.gz` with `zcat maillog.gz | grep -c STARTTLS`.
# Run it on an optimised build without sanitizers, e.g.:
#   mkdir /tmp/b && cd /tmp/b && SRCDIR/configure CFLAGS=-O2 && make && SRCDIR/bench/explain.sh
set -eu
SMTLS=${1:-./smtls}
SIZE_MB=${SIZE_MB:-1024}
RUNS=${RUNS:-3}
[ -x "$SMTLS" ] || { echo "bench/explain.sh: $SMTLS is not an executable smtls" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench/explain.sh: needs GNU time (/usr/bin/time)" >&2; exit 2; }
DIR=$(mktemp -d /tmp/smtls-bench.XXXXXX)
trap 'rm -rf "$DIR"' EXIT INT TERM

# an 8 MB block of realistic lines; the log is that block repeated
python3 - "$DIR/block" <<'PY'
import random, sys
random.seed(42)
relays = ["mx%d.example%d.net." % (i, i % 97) for i in range(5000)]
clients = ["host%d.client%d.org [198.51.%d.%d]" % (i, i % 53, i % 250, i % 199) for i in range(3000)]
verify = ["OK"] * 6 + ["FAIL"] * 3 + ["NO", "NONE"]
out, size, n = [], 0, 0
while size < 8 * 1024 * 1024:
    n += 1
    ts = "Nov %2d %02d:%02d:%02d" % (1 + n // 200000 % 28, n // 3600 % 24, n // 60 % 60, n % 60)
    pre = "%s mail sm-mta[%d]: " % (ts, 1000 + n % 30000)
    qid = "5AP%07dx%04d" % (n, n % 9999)
    r = random.random()
    if r < 0.05:
        line = pre + "STARTTLS=client, relay=%s, version=TLSv1.3, verify=%s, cipher=TLS_AES_256_GCM_SHA384, bits=256/256" % (random.choice(relays), random.choice(verify))
    elif r < 0.08:
        line = pre + "STARTTLS=server, relay=%s, version=TLSv1.2, verify=NO, cipher=ECDHE-RSA-AES256-GCM-SHA384, bits=256/256" % random.choice(clients)
    elif r < 0.10:
        line = pre + "STARTTLS=client, cert-subject=/CN=mx.example.net, cert-issuer=/C=US/O=Let's+20Encrypt/CN=R3, verifymsg=unable+20to+20get+20local+20issuer+20certificate"
    elif r < 0.40:
        line = pre + "%s: from=<user%d@example%d.org>, size=%d, class=0, nrcpts=1, msgid=<%d.%s@example.org>, proto=ESMTP, daemon=MTA-v4, relay=%s" % (qid, n % 977, n % 31, 1000 + n % 90000, n, qid, random.choice(clients))
    elif r < 0.70:
        line = pre + "%s: to=<user%d@example%d.net>, delay=00:00:0%d, xdelay=00:00:01, mailer=esmtp, pri=%d, relay=%s [192.0.2.%d], dsn=2.0.0, stat=Sent (ok %s)" % (qid, n % 991, n % 37, n % 10, 30000 + n % 1000, random.choice(relays), n % 250, qid)
    elif r < 0.85:
        line = pre + "%s: milter=clamav, action=data, continue" % qid
    else:
        line = pre + "%s: done; delay=00:00:01, ntries=1" % qid
    out.append(line)
    size += len(line) + 1
open(sys.argv[1], "w").write("\n".join(out) + "\n")
PY
: > "$DIR/maillog"
target=$((SIZE_MB * 1024 * 1024))
while [ "$(stat -c %s "$DIR/maillog")" -lt "$target" ]; do cat "$DIR/block" >> "$DIR/maillog"; done
bytes=$(stat -c %s "$DIR/maillog")
lines=$(wc -l < "$DIR/maillog")
cat "$DIR/maillog" > /dev/null	# warm the page cache for both

# best NAME CMD...: the best of $RUNS runs: "seconds peak-RSS-KB"
best() {
	local i t best_t="" best_m=""
	for i in $(seq "$RUNS"); do
		/usr/bin/time -f '%e %M' -o "$DIR/time" "$@" > "$DIR/out" 2>/dev/null || true
		read -r t m < "$DIR/time"
		if [ -z "$best_t" ] || awk "BEGIN{exit !($t < $best_t)}"; then best_t=$t; best_m=$m; fi
	done
	echo "$best_t $best_m"
}
set -- $(best grep -c STARTTLS "$DIR/maillog"); g_t=$1 g_m=$2
g_count=$(cat "$DIR/out")
set -- $(best "$SMTLS" explain --summary "$DIR/maillog"); s_t=$1 s_m=$2
relays=$(grep -c '^[^ ].* \(client\|server\) ' "$DIR/out" || true)

awk -v b="$bytes" -v l="$lines" -v gc="$g_count" -v gt="$g_t" -v gm="$g_m" -v st="$s_t" \
    -v sm="$s_m" -v rel="$relays" 'BEGIN {
	mb = b / 1048576
	gs = gt > 0 ? mb / gt : 0; ss = st > 0 ? mb / st : 0
	printf "maillog: %.0f MB, %d lines, %d STARTTLS lines, %d relay/direction pairs\n", mb, l, gc, rel
	printf "%-34s %9s %10s %12s\n", "command", "seconds", "MB/s", "peak RSS"
	printf "%-34s %9.2f %10.0f %9.1f MB\n", "grep -c STARTTLS", gt, gs, gm / 1024
	printf "%-34s %9.2f %10.0f %9.1f MB\n", "smtls explain --summary", st, ss, sm / 1024
	ratio = 0
	if (gs > 0)
		ratio = ss / gs
	printf "throughput: %.2f of grep (target >= 0.50); peak RSS %.1f MB (target < 32 MB)\n", ratio, sm / 1024
}'

if [ "${GZ:-0}" = 1 ]; then
	gzip -1 -c "$DIR/maillog" > "$DIR/maillog.gz"
	rm -f "$DIR/maillog"
	set -- $(best sh -c "zcat '$DIR/maillog.gz' | grep -c STARTTLS"); z_t=$1
	set -- $(best "$SMTLS" explain --summary "$DIR/maillog.gz"); zs_t=$1 zs_m=$2
	awk -v gz="$(stat -c %s "$DIR/maillog.gz")" -v zt="$z_t" -v st="$zs_t" -v sm="$zs_m" 'BEGIN {
	printf "gzip -1: %.0f MB compressed\n", gz / 1048576
	printf "%-34s %9.2f\n", "zcat | grep -c STARTTLS", zt
	printf "%-34s %9.2f %10s %9.1f MB\n", "smtls explain --summary FILE.gz", st, "", sm / 1024
}'
fi
