#!/bin/bash
# bench/oracle.sh: the differential oracle for `smtls check` (doc/oracle.md): N setups drawn
# from a seed, each judged by `smtls check --json` and run on the real sendmail (server and
# client, on 127.0.0.1, in a private UTS namespace); prints a confusion table per observable
# fact and every disagreement, grouped by cause, with its setup id and description.
# Usage: bench/oracle.sh [-n N] [--seed S] [-j 1|2] [--only I,J,...] [--add S-I]... [--list] [--keep]
#   (defaults: 500 setups, seed 1, two at a time; SMTLS=path/to/smtls). Needs root.
# Exit status: 0 when every setup agrees, 1 when one disagrees, 2 when it cannot run.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
SMTLS=${SMTLS:-$HERE/../smtls}
[ -x "$SMTLS" ] || { echo "bench/oracle.sh: build smtls first (or set SMTLS)" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] && unshare --uts true 2>/dev/null ||
	{ echo "bench/oracle.sh: needs root and unshare (sendmail runs in its own UTS namespace)" >&2; exit 2; }
for f in /usr/libexec/sendmail/sendmail /usr/share/sendmail/cf/m4/cf.m4; do
	[ -e "$f" ] || { echo "bench/oracle.sh: $f is missing (sendmail-bin, sendmail-cf)" >&2; exit 2; }
done
# the scratch base must be where sendmail's file-safety rules accept files
SMTLS_SCRATCH=${SMTLS_SCRATCH:-$(bash "$HERE/../tests/scratch-dir.sh" "$HERE/..")}
export SMTLS_SCRATCH
exec python3 "$HERE/oracle.py" --smtls "$SMTLS" "$@"
