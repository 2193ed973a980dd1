#!/bin/bash
# tests/scratch-dir.sh BUILDDIR: prints (and creates, mode 0755) the base for the tests' scratch
# directories. sendmail refuses TLS files below a group- or world-writable directory (such as
# /tmp) unless TrustStickyBit is set, so the base lives where every ancestor is safe:
# /run/smtls-tests, else the build tree when it is so placed, else ~/.cache/smtls-tests.
safe() { # true when no directory from $1 up to / is group/world-writable
	local p
	p=$(cd "$1" && pwd -P) || return 1
	while :; do
		[ -z "$(find "$p" -maxdepth 0 -perm /022 2>/dev/null)" ] || return 1
		[ "$p" = / ] && return 0
		p=$(dirname "$p")
	done
}
# /run/smtls-tests first: root-owned ancestors, and one short path wherever the tree is, so what
# the wizard's tests see on an 80-column screen does not depend on where the tree was cloned
if [ -w /run ] && mkdir -p /run/smtls-tests && chmod 755 /run/smtls-tests &&
	safe /run/smtls-tests; then
	echo /run/smtls-tests
	exit 0
fi
d=${1:-.}/tests/scratch
mkdir -p "$d" && chmod 755 "$d"
if safe "$d"; then
	cd "$d" && pwd -P
	exit 0
fi
d=${HOME:-/root}/.cache/smtls-tests
mkdir -p "$d" && chmod 755 "$d" && echo "$d"
