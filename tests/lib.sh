# tests/lib.sh: TAP helpers for the shell tests. Source it; call done_testing at the end.
# Each test gets a private scratch directory $T that is removed on exit.
set -u
: "${SMTLS:?SMTLS must name the smtls binary (run through make check)}"
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
# the scratch base is where sendmail's file-safety rules accept files (tests/scratch-dir.sh)
: "${top_builddir:=.}"
: "${SMTLS_SCRATCH:=$(bash "$top_srcdir/tests/scratch-dir.sh" "$top_builddir")}"
T=$(mktemp -d "$SMTLS_SCRATCH/smtls-test.XXXXXX")
chmod 755 "$T"
TMPDIR=$T/tmp; mkdir -p "$TMPDIR"; export TMPDIR
# the journals' registry (smtls(8) FILES): this test's own, never /var/lib/smtls
SMTLS_STATE_DIR=$T/state; export SMTLS_STATE_DIR
# what check keeps between runs (smtls(8) FILES): this test's own, never /var/cache/smtls
SMTLS_CACHE_DIR=$T/cache; export SMTLS_CACHE_DIR
# what no test may change (done_testing checks it): the system's sendmail configuration
# (/etc/mail and the directory below it, tls/ among them) and its daemon's pid file
_system_state() {
	find /etc/mail -maxdepth 2 -printf '%p %y %s %T@ %C@ %m %u\n' 2>/dev/null | sort
	find /run/sendmail -maxdepth 2 -name '*.pid' -printf '%p %s %T@\n' 2>/dev/null | sort
}
_system_before=$(_system_state)
_tap_n=0
_tap_fail=0
_tap_cleanup_hooks=""
at_exit() { _tap_cleanup_hooks="$_tap_cleanup_hooks
$*"; }
_tap_exit() {
	local rc=$?
	eval "$_tap_cleanup_hooks" >/dev/null 2>&1 || true
	rm -rf "$T"
	return $rc
}
trap _tap_exit EXIT

ok() { # ok COND_STATUS NAME
	_tap_n=$((_tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $_tap_n - $2"
	else
		echo "not ok $_tap_n - $2"
		_tap_fail=$((_tap_fail + 1))
	fi
}
pass() { ok 0 "$1"; }
fail() { ok 1 "$1"; [ $# -gt 1 ] && diag "$2"; return 0; }
skip() { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n - $1 # SKIP ${2:-}"; }
diag() { printf '%s\n' "$@" | sed 's/^/# /'; }

# at_time TIME CMD...: runs CMD with the clock starting at TIME ("2026-06-01 12:00:00", UTC),
# through libfaketime preloaded directly: the faketime wrapper gets the year wrong when the
# suite itself runs on a moved clock (tests/future-clock.sh). Status 127 without libfaketime.
. "$top_srcdir/tests/lib-faketime.sh"
at_time() {
	local lib
	lib=$(faketime_lib) || return 127
	TZ=UTC LD_PRELOAD="$lib" FAKETIME="@$1" FAKETIME_DONT_FAKE_MONOTONIC=1 "${@:2}"
}

# run CMD...: runs it, stores stdout in $OUT, stderr in $ERR, status in $RC
run() {
	set +e
	"$@" > "$T/.out" 2> "$T/.err"
	RC=$?
	set -e 2>/dev/null; set +e
	OUT=$(cat "$T/.out"); ERR=$(cat "$T/.err")
}
is() { # is GOT WANT NAME
	if [ "$1" = "$2" ]; then pass "$3"; else fail "$3"; diag "got:  $1" "want: $2"; fi
}
like() { # like TEXT REGEX NAME (grep -E)
	if printf '%s\n' "$1" | grep -qE -- "$2"; then pass "$3"; else fail "$3"; diag "no match for /$2/ in:" "$1"; fi
}
unlike() { # unlike TEXT REGEX NAME; a regex grep cannot read fails, it does not pass
	printf '%s\n' "$1" | grep -qE -- "$2"
	case $? in
	1) pass "$3";;
	0) fail "$3"; diag "unexpected /$2/ in:" "$1";;
	*) fail "$3"; diag "grep -E cannot use /$2/";;
	esac
}
# has_finding JSON ID [FILE]: the JSON output has a finding with this id (and file): status 0;
# none: 1; not a findings document (a crash, an error message): 2, and says so on stderr
has_finding() {
	python3 - "$@" <<'PY'
import json, sys
fid = sys.argv[2]; f = sys.argv[3] if len(sys.argv) > 3 else None
try:
    hit = any(x["id"] == fid and (f is None or x["file"] == f)
              for x in json.loads(sys.argv[1])["findings"])
except Exception as e:
    sys.stderr.write("# not a findings document (%r): %.300s\n" % (e, sys.argv[1]))
    sys.exit(2)
sys.exit(0 if hit else 1)
PY
}
# no_finding JSON ID [FILE]: a findings document without that finding (not merely no document)
no_finding() { has_finding "$@"; [ $? -eq 1 ]; }
done_testing() {
	local now
	now=$(_system_state)
	if [ "$now" = "$_system_before" ]; then
		pass "the system's /etc/mail and sendmail daemon are as they were before the test"
	else
		fail "the system's /etc/mail and sendmail daemon are as they were before the test" \
		    "$(diff <(printf '%s\n' "$_system_before") <(printf '%s\n' "$now"))"
	fi
	echo "1..$_tap_n"
	[ "$_tap_fail" -eq 0 ]
}
