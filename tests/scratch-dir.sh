#!/bin/bash
# tests/scratch-dir.sh BUILDDIR: prints (and creates, mode 0755) the base for the tests' scratch
# directories. sendmail refuses TLS files below a group- or world-writable directory (such as
# /tmp) unless TrustStickyBit is set, so the base lives where every ancestor is safe: the build
# tree when it is so placed, else /run/smtls-tests (a build under /tmp, as CI may make).
safe() { # true when no directory from $1 up to / is group/world-writable
	local p
	p=$(cd "$1" && pwd -P) || return 1
	while :; do
		[ -z "$(find "$p" -maxdepth 0 -perm /022 2>/dev/null)" ] || return 1
		[ "$p" = / ] && return 0
		p=$(dirname "$p")
	done
}
d=${1:-.}/tests/scratch
mkdir -p "$d" && chmod 755 "$d"
if safe "$d"; then
	cd "$d" && pwd -P
	exit 0
fi
d=/run/smtls-tests
[ -w /run ] || d=${HOME:-/root}/.cache/smtls-tests
mkdir -p "$d" && chmod 755 "$d" && echo "$d"
