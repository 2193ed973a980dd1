#!/bin/sh
# bench/fuzz.sh [--runs N] [--seconds S] [--srcdir DIR] [--replay DIR] [TARGET...]: runs each libFuzzer
# target of a build configured with --enable-fuzzing (run it in the build directory), one
# after the other, for N inputs (default 10000000) or S seconds, whichever comes first, from
# its seed corpora (DIR/fuzz/corpus/TARGET, fuzz/seeds/TARGET) and prints the executions,
# executions per second, crashes and wall time of each.
# After a crash the target goes on (up to 3 crashes) until it has run its N inputs.
# Crashing inputs are in fuzz/artifacts/. Exit status 1 when any target crashed.
# bench/fuzz.sh --replay DIR [TARGET...] runs every input of DIR/TARGET (the corpus another
# build grew, e.g. one configured with FUZZ_SANITIZERS=undefined) once through this build's
# targets: a campaign run fast without ASan, then its corpus checked under ASan and UBSan.
set -u
runs=10000000
seconds=
replay=
srcdir=$(cd "$(dirname "$0")/.." && pwd)
while [ $# -gt 0 ]; do
	case $1 in
	--runs) runs=$2; shift 2 ;;
	--seconds) seconds=$2; shift 2 ;;
	--srcdir) srcdir=$2; shift 2 ;;
	--replay) replay=$2; shift 2 ;;
	-*) echo "usage: bench/fuzz.sh [--runs N] [--seconds S] [--srcdir DIR] [--replay DIR] [TARGET...]" >&2
	    exit 2 ;;
	*) break ;;
	esac
done
# the default: every target there is (fuzz/fuzz_TARGET.c), as .ci/run counts them
targets=${*:-$(for f in "$srcdir"/fuzz/fuzz_*.c; do t=${f##*/fuzz_}; echo "${t%.c}"; done)}
for t in $targets; do
	if [ ! -x "fuzz/fuzz_$t" ]; then
		echo "fuzz/fuzz_$t: not built; configure with --enable-fuzzing and run make" >&2
		exit 2
	fi
done
[ -f fuzz/seeds/.stamp ] || { "${SHELL:-/bin/sh}" "$srcdir/fuzz/seeds.sh" "$srcdir" fuzz/seeds &&
	touch fuzz/seeds/.stamp; } || exit 2
mkdir -p fuzz/work/tmp fuzz/artifacts
# a smaller quarantine and shorter malloc stacks: the key and certificate loaders allocate a
# lot, and ASan's defaults make them page-fault bound
ASAN_OPTIONS=${ASAN_OPTIONS:-quarantine_size_mb=16:malloc_context_size=10}
export ASAN_OPTIONS
# the longest input per target: a log line, a sendmail.mc or .cf, a key or a certificate chain
# fit in 4 KiB (the largest seeds are 4 KiB), and longer inputs only slow each run down; the
# log reader (its 4 KiB buffer) gets 16 KiB, so that lines span and overflow its buffer
max_len() {
	case $1 in
	explain_stream) echo 16384 ;;
	cert) echo 8192 ;;	# a chain of PEM certificates
	*) echo 4096 ;;
	esac
}
# the tokens of the sendmail.mc and .cf languages and of PEM and Names (fuzz/dict/), which
# random bytes seldom make
dict() {
	case $1 in
	mc|mcedit) echo "-dict=$srcdir/fuzz/dict/mc.dict" ;;
	cf) echo "-dict=$srcdir/fuzz/dict/cf.dict" ;;
	pem) echo "-dict=$srcdir/fuzz/dict/pem.dict" ;;
	esac
}
if [ -n "$replay" ]; then
	rc=0
	printf '%-16s %8s %8s  %s\n' target inputs result log
	for t in $targets; do
		[ -d "$replay/$t" ] || continue
		log=fuzz/work/$t.replay.log
		TMPDIR=$(pwd)/fuzz/work/tmp "fuzz/fuzz_$t" -runs=0 -max_len="$(max_len "$t")" \
			-timeout=60 -rss_limit_mb=2048 -print_final_stats=1 "$replay/$t" > "$log" 2>&1
		r=$?
		n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
		if [ "$r" -eq 0 ]; then res=ok; else res=CRASH; rc=1
			grep -E 'ERROR|SUMMARY|#[0-9]+ 0x' "$log" | head -n 12 >&2; fi
		printf '%-16s %8s %8s  %s\n' "$t" "${n:-0}" "$res" "$log"
	done
	exit "$rc"
fi
total_crashes=0
printf '%-16s %12s %8s %8s %8s  %s\n' target executions exec/s crashes seconds artifacts
for t in $targets; do
	mkdir -p "fuzz/work/$t"
	t0=$(date +%s)
	done_runs=0
	crashes=0
	busy=0
	arts=
	while :; do
		limit="-runs=$((runs - done_runs))"
		[ -n "$seconds" ] && limit="$limit -max_total_time=$seconds"
		log=fuzz/work/$t.log
		# shellcheck disable=SC2086
		TMPDIR=$(pwd)/fuzz/work/tmp "fuzz/fuzz_$t" $limit $(dict "$t") -max_len="$(max_len "$t")" \
			-timeout=10 -rss_limit_mb=2048 \
			-print_final_stats=1 -artifact_prefix="fuzz/artifacts/$t-" \
			"fuzz/work/$t" "$srcdir/fuzz/corpus/$t" "fuzz/seeds/$t" > "$log" 2>&1
		rc=$?
		n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
		done_runs=$((done_runs + ${n:-0}))
		[ "$rc" -eq 0 ] && break
		a=$(sed -n 's/.*Test unit written to \([^ ]*\).*/\1/p' "$log" | tail -n 1)
		# -timeout is wall-clock time, which a target at nice 19 on a busy machine can
		# spend waiting for a CPU: a timeout whose input runs again within it is no hang
		if grep -q 'ERROR: libFuzzer: timeout' "$log" && [ -n "$a" ] &&
		    "fuzz/fuzz_$t" -timeout=10 "$a" > "$log.replay" 2>&1; then
			echo "fuzz_$t: a timeout on a busy machine (its input runs in time): $a" >&2
			rm -f "$a"
			busy=$((busy + 1))
			[ -n "$seconds" ] && break
			[ "$busy" -ge 10 ] && break
			[ "$done_runs" -ge "$runs" ] && break
			continue
		fi
		crashes=$((crashes + 1))
		arts="$arts ${a:-(see $log)}"
		echo "fuzz_$t: crash $crashes; the report:" >&2
		grep -E 'ERROR|SUMMARY|#[0-9]+ 0x' "$log" | head -n 12 >&2
		[ -n "$seconds" ] && break
		[ "$crashes" -ge 3 ] && break
		[ "$done_runs" -ge "$runs" ] && break
	done
	total_crashes=$((total_crashes + crashes))
	wall=$(( $(date +%s) - t0 ))
	printf '%-16s %12s %8s %8s %8s %s\n' "$t" "$done_runs" "$((done_runs / (wall ? wall : 1)))" \
		"$crashes" "$wall" "$arts"
done
[ "$total_crashes" -eq 0 ]
