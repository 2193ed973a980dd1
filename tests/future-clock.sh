#!/bin/bash
# tests/future-clock.sh [-s SHIFT] BUILDDIR [MAKE ARGS...]: runs `make check` in BUILDDIR with the
# clock moved ahead by SHIFT (default +730d, two years; any libfaketime offset such as +365d or
# +2y), to prove that the suite passes on any date: a test that mixes the real clock with a fixed
# date, or certificates with fixed dates judged at "now", fails here. Needs libfaketime (Debian
# package faketime) and a build without --enable-sanitizers (ASan refuses to run behind an
# LD_PRELOAD library). Exit status: make's. Example:
#     tests/future-clock.sh -s +365d . TESTS=tests/certs-letsencrypt.test
#
# What sees the moved clock: make, the shell scripts, openssl, smtls, tmux and the wizard, and
# sendmail (run from a copy without its set-group-id bit, which would make the dynamic loader
# drop LD_PRELOAD; the tests take it from SM_BIN). What does not: python3, used to read JSON and
# as the fake SMTP server, runs on the real clock, because libfaketime 0.9.10 makes time.sleep()
# fail with EINVAL in a Python thread; neither use looks at the date. The monotonic clock is not
# moved (FAKETIME_DONT_FAKE_MONOTONIC=1), so timeouts and sleeps keep their length.
set -u
shift_by=+730d
if [ "${1:-}" = -s ]; then shift_by=${2:?-s needs an offset}; shift 2; fi
build=${1:?usage: future-clock.sh [-s SHIFT] BUILDDIR [MAKE ARGS...]}
shift
die() { echo "future-clock: $*" >&2; exit 2; }

. "$(dirname "$0")/lib-faketime.sh"
lib=$(faketime_lib) || die "libfaketime.so.1 not found (install the faketime package)"
[ -f "$build/Makefile" ] || die "$build/Makefile: no such file (configure the build first)"
if grep -qE '^SAN_CFLAGS = .*sanitize' "$build/Makefile"; then
	die "$build was configured with --enable-sanitizers; ASan does not run behind LD_PRELOAD: use a plain build"
fi
build=$(cd "$build" && pwd -P)

# build first, on the real clock (nothing is rebuilt under the moved one)
make -C "$build" -s check TESTS= > /dev/null || die "make check TESTS= failed in $build"

# a scratch directory for the wrappers; the same safe base as the tests' (sendmail's file rules)
src=$(cd "$(dirname "$0")/.." && pwd -P)
base=$(bash "$src/tests/scratch-dir.sh" "$build") || die "no scratch directory"
W=$(mktemp -d "$base/future-clock.XXXXXX") || die "mktemp failed in $base"
trap 'rm -rf "$W"' EXIT
chmod 755 "$W"
mkdir "$W/bin"

# python3 on the real clock (the interpreter itself: a version manager's shim costs a second a start);
# the tests find it first in PATH (TESTS_BIN below)
py=$(python3 -c 'import sys; print(sys.executable)') && [ -x "$py" ] || die "python3 not found"
printf '#!/bin/sh\nunset LD_PRELOAD\nexec %q "$@"\n' "$py" > "$W/bin/python3"
chmod 755 "$W/bin/python3"

# sendmail without its set-group-id bit (the tests run as root, which needs no smmsp group)
sm=${SM_BIN:-/usr/libexec/sendmail/sendmail}
if [ -x "$sm" ]; then
	cp "$sm" "$W/sendmail" && chmod 755 "$W/sendmail" || die "cannot copy $sm"
	SM_BIN=$W/sendmail; export SM_BIN
fi

export PATH="$W/bin:$PATH"
export LD_PRELOAD="$lib${LD_PRELOAD:+ $LD_PRELOAD}" FAKETIME="$shift_by" FAKETIME_DONT_FAKE_MONOTONIC=1
echo "future-clock: make check in $build at $(date -u +%Y-%m-%dT%H:%M:%SZ) (real clock $shift_by)"
make -C "$build" check TESTS_BIN="$W/bin" "$@"
