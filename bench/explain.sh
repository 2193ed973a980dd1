#!/bin/sh
# bench/explain.sh: `smtls explain --summary` against `grep -c STARTTLS` on a maillog generated
# at run time (default 1 GiB, about one line in nine a STARTTLS line, 300,000 relay/direction
# pairs), then the same log gzip-compressed against `zgrep -c STARTTLS`.
# The commands run interleaved (smtls, grep, smtls, grep, ...) for RUNS rounds (at least 3);
# the script prints each one's median seconds and throughput, the smtls/grep time ratio of
# each round and their median, and the peak RSS (GNU time). grep's output goes to a file: GNU
# grep stops at the first match when its output is /dev/null.
# Targets (issue 14): plain: explain --summary at least grep's throughput (ratio <= 1.00),
# peak RSS <= 32 MB; gzip: explain --summary at least 1.77x faster than zgrep -c.
# Usage: bench/explain.sh [SMTLS [DIR]]   (default ./smtls, DIR /tmp; the log is made in a
# new directory under DIR and deleted at the end). SIZE_MB=N another size, RELAYS=N another
# number of relays, RUNS=N rounds (default 5), GZ=0 to skip the gzip part.
# Run it on an optimised build without sanitizers, e.g.:
#   mkdir /tmp/b && cd /tmp/b && SRCDIR/configure CFLAGS=-O2 && make smtls && SRCDIR/bench/explain.sh
set -eu
SMTLS=${1:-./smtls}
SIZE_MB=${SIZE_MB:-1024}
RELAYS=${RELAYS:-300000}
RUNS=${RUNS:-5}
[ "$RUNS" -ge 3 ] || RUNS=3
[ -x "$SMTLS" ] || { echo "bench/explain.sh: $SMTLS is not an executable smtls" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench/explain.sh: needs GNU time (/usr/bin/time)" >&2; exit 2; }
DIR=$(mktemp -d "${2:-/tmp}/smtls-bench.XXXXXX")
trap 'rm -rf "$DIR"' EXIT INT TERM

# The log: a block of realistic lines written COPIES times, each copy with its own relay names
# (".nK." in every relay name), so that the relays of all the copies add up to RELAYS pairs.
python3 - "$DIR/maillog" "$SIZE_MB" "$RELAYS" <<'PY'
import random, sys
random.seed(42)
path, size_mb, npairs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
target = size_mb * 1024 * 1024
copies = 16 if target >= 256 * 1024 * 1024 else 1
block_size = target // copies
per = max(1, npairs // copies)
nclient = per * 2 // 3			# relays we deliver to, in each copy
nserver = per - nclient			# clients that connect to us
verify = ["OK"] * 6 + ["FAIL"] * 3 + ["NO", "NONE"]
def relay(i): return "mx%d.n@@.example%d.net." % (i, i % 97)
def client(i): return "host%d.n@@.client%d.org [198.51.%d.%d]" % (i, i % 53, i % 250, i % 199)
out, size, n, rc, rs = [], 0, 0, 0, 0
while size < block_size:
    n += 1
    ts = "Nov %2d %02d:%02d:%02d" % (1 + n // 200000 % 28, n // 3600 % 24, n // 60 % 60, n % 60)
    pre = "%s mail sm-mta[%d]: " % (ts, 1000 + n % 30000)
    qid = "5AP%07dx%04d" % (n, n % 9999)
    r = random.random()
    if r < 0.06:	# each relay in turn: all of them appear
        rc += 1
        line = pre + "STARTTLS=client, relay=%s, version=TLSv1.3, verify=%s, cipher=TLS_AES_256_GCM_SHA384, bits=256/256" % (relay(rc % nclient), random.choice(verify))
    elif r < 0.09:
        rs += 1
        line = pre + "STARTTLS=server, relay=%s, version=TLSv1.2, verify=NO, cipher=ECDHE-RSA-AES256-GCM-SHA384, bits=256/256" % client(rs % nserver)
    elif r < 0.11:
        line = pre + "STARTTLS=client, cert-subject=/CN=mx.example.net, cert-issuer=/C=US/O=Let's+20Encrypt/CN=R3, verifymsg=unable+20to+20get+20local+20issuer+20certificate"
    elif r < 0.40:
        line = pre + "%s: from=<user%d@example%d.org>, size=%d, class=0, nrcpts=1, msgid=<%d.%s@example.org>, proto=ESMTP, daemon=MTA-v4, relay=%s" % (qid, n % 977, n % 31, 1000 + n % 90000, n, qid, client(n % nserver))
    elif r < 0.70:
        line = pre + "%s: to=<user%d@example%d.net>, delay=00:00:0%d, xdelay=00:00:01, mailer=esmtp, pri=%d, relay=%s [192.0.2.%d], dsn=2.0.0, stat=Sent (ok %s)" % (qid, n % 991, n % 37, n % 10, 30000 + n % 1000, relay(n % nclient), n % 250, qid)
    elif r < 0.85:
        line = pre + "%s: milter=clamav, action=data, continue" % qid
    else:
        line = pre + "%s: done; delay=00:00:01, ntries=1" % qid
    out.append(line)
    size += len(line) + 1
block = ("\n".join(out) + "\n").encode()
with open(path, "wb") as f:
    for k in range(copies):
        f.write(block.replace(b".n@@.", b".n%02d." % k))
PY
bytes=$(stat -c %s "$DIR/maillog")
lines=$(wc -l < "$DIR/maillog")
cat "$DIR/maillog" > /dev/null	# warm the page cache for both

# run NAME CMD...: one timed run, its output in $DIR/out.NAME; appends "seconds rss-KB" to
# $DIR/t.NAME (wall seconds from the clock in ns, the peak RSS from GNU time)
run() {
	name=$1
	shift
	t0=$(date +%s%N)
	/usr/bin/time -f '%M' -o "$DIR/time" "$@" > "$DIR/out.$name" 2>/dev/null || true
	t1=$(date +%s%N)
	echo "$(((t1 - t0) / 1000000)) $(cat "$DIR/time")" |
	    awk '{ printf "%.3f %s\n", $1 / 1000, $2 }' >> "$DIR/t.$name"
}
# median FILE COLUMN
median() {
	sort -g -k "$2,$2" "$1" | awk -v c="$2" '{ v[NR] = $c } END {
		print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
# compare A B LABEL_A LABEL_B: the rounds interleaved, then the figures
compare() {
	paste -d' ' "$DIR/t.$1" "$DIR/t.$2" | awk '{ print ($3 > 0 ? $1 / $3 : 0) }' > "$DIR/ratio"
	awk -v b="$bytes" -v ta="$(median "$DIR/t.$1" 1)" -v tb="$(median "$DIR/t.$2" 1)" \
	    -v ma="$(median "$DIR/t.$1" 2)" -v mb="$(median "$DIR/t.$2" 2)" \
	    -v r="$(median "$DIR/ratio" 1)" -v rs="$(tr '\n' ' ' < "$DIR/ratio")" \
	    -v la="$3" -v lb="$4" -v n="$RUNS" 'BEGIN {
		gb = b / 1e9
		printf "%-36s %9s %9s %12s\n", "median of " n " interleaved rounds", "seconds", "GB/s", "peak RSS"
		printf "%-36s %9.3f %9.2f %9.1f MB\n", la, ta, (ta > 0 ? gb / ta : 0), ma / 1024
		printf "%-36s %9.3f %9.2f %9.1f MB\n", lb, tb, (tb > 0 ? gb / tb : 0), mb / 1024
		printf "time ratio smtls/%s per round: %s-> median %.2f", lb, rs, r
		printf " (smtls at %.2fx the throughput of %s)\n", (r > 0 ? 1 / r : 0), lb
	}'
}

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); smtls: $SMTLS"
rm -f "$DIR"/t.*
for i in $(seq "$RUNS"); do
	run explain "$SMTLS" explain --summary "$DIR/maillog"
	run grep grep -c STARTTLS "$DIR/maillog"
done
pairs=$(sed -n 's/.* \([0-9][0-9]*\) relay\/direction pairs\.$/\1/p' "$DIR/out.explain")
awk -v b="$bytes" -v l="$lines" -v gc="$(cat "$DIR/out.grep")" -v p="$RELAYS" -v t="$pairs" \
    'BEGIN { printf "maillog: %.3f GB (%.0f MiB), %d lines, %d with STARTTLS, %d relay/direction pairs (the summary keeps %d)\n", b / 1e9, b / 1048576, l, gc, p, t }'
compare explain grep "smtls explain --summary" "grep -c STARTTLS"

if [ "${GZ:-1}" = 1 ]; then
	gzip -1 < "$DIR/maillog" > "$DIR/maillog.gz"
	rm -f "$DIR/maillog" "$DIR"/t.*
	awk -v z="$(stat -c %s "$DIR/maillog.gz")" -v b="$bytes" \
	    'BEGIN { printf "\ngzip -1: %.3f GB compressed, %.3f GB of log\n", z / 1e9, b / 1e9 }'
	for i in $(seq "$RUNS"); do
		run explain "$SMTLS" explain --summary "$DIR/maillog.gz"
		run zgrep zgrep -c STARTTLS "$DIR/maillog.gz"
	done
	compare explain zgrep "smtls explain --summary FILE.gz" "zgrep -c STARTTLS"
	echo "(GB/s: of uncompressed log)"
fi
