#!/bin/bash
# bench/rehash.sh: `smtls rehash DIR --from BUNDLE` into an empty directory against
# `openssl rehash DIR` on the same certificates already split into DIR (the split untimed:
# smtls writes the files and makes them durable, openssl rehash only makes the links), at
# 144 (the system bundle), 1,000 and 5,000 certificates, on tmpfs (/dev/shm) and on disk
# (under $TMPDIR or /var/tmp). The bundles of 1,000 and 5,000 are generated at run time
# (bench/gencerts.c). Runs are interleaved; prints both medians and the ratio smtls/openssl.
# smtls runs with --keep-expired, so that it handles every certificate as openssl does.
# Target (issue 14): ratio <= 0.5 at every size, on tmpfs and on disk; time linear in size.
# "disk" must be a real file system: when $TMPDIR or /var/tmp is tmpfs, the build tree is
# used instead; the file system type of each place is printed. On disk smtls makes every
# certificate file durable before it is renamed into place (and the directory after the
# links), which openssl rehash never does: that cost is in the figures.
# ROWS="from links": "links" adds `smtls rehash DIR` against `openssl rehash DIR` on the
# same split directory (both only make the links; no file is written).
# Usage: bench/rehash.sh [RUNS]   (SMTLS=path/to/smtls; build without sanitizers for figures;
#        SIZES="144 1000 5000", PLACES="tmpfs disk", ROWS="from" to run a part)
set -eu
RUNS=${1:-11}
HERE=$(cd "$(dirname "$0")" && pwd)
SMTLS=${SMTLS:-$HERE/../smtls}
[ -x "$SMTLS" ] || { echo "bench/rehash.sh: build smtls first (or set SMTLS)" >&2; exit 2; }
SYS=/etc/ssl/certs/ca-certificates.crt
fstype() { findmnt -n -o FSTYPE -T "$1" 2>/dev/null | head -n 1 | grep . || stat -f -c %T "$1"; }
W=$(mktemp -d "${TMPDIR:-/var/tmp}/smtls-bench.XXXXXX")
case $(fstype "$W") in
tmpfs|ramfs) rmdir "$W"; W=$(mktemp -d "$HERE/smtls-bench.XXXXXX") ;;
esac
S=""
trap 'rm -rf "$W" ${S:+"$S"}' EXIT
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
	S=$(mktemp -d /dev/shm/smtls-bench.XXXXXX)
fi
if nm "$SMTLS" 2>/dev/null | grep -q __asan_init; then
	echo "note: $SMTLS is a sanitizer build; its figures are several times slower" >&2
fi
cc -O2 -o "$W/gencerts" "$HERE/gencerts.c" $(pkg-config --libs libcrypto 2>/dev/null || echo -lcrypto)
for n in ${SIZES:-144 1000 5000}; do
	if [ "$n" = 144 ]; then
		[ -r "$SYS" ] || continue
		cp "$SYS" "$W/b$n.pem"
	else
		"$W/gencerts" "$n" > "$W/b$n.pem"
	fi
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) CPUs; smtls: $SMTLS"
for place in ${PLACES:-tmpfs disk}; do
	case $place in
	tmpfs) [ -n "$S" ] || { echo "(no writable /dev/shm: tmpfs skipped)"; continue; }; D=$S/d ;;
	disk) D=$W/d ;;
	esac
	echo "== $place: $(dirname "$D") ($(fstype "$(dirname "$D")"))"
	export SMTLS_STATE_DIR=$(dirname "$D")/state
	for n in ${SIZES:-144 1000 5000}; do
		B=$W/b$n.pem
		[ -f "$B" ] || continue
		echo "$n certificates ($(grep -c -- '-----BEGIN CERTIFICATE-----' "$B") in the bundle), $place:"
		# the last run's directory is moved aside, not removed: removing thousands of files
		# before each run would make the file system's inode allocation slower for both
		fresh="if [ -e $D ]; then mv $D \$(mktemp -u $D.old.XXXXXX); fi"
		split="$fresh && mkdir $D && awk -v d=$D '/-----BEGIN CERTIFICATE-----/ { n++; f = sprintf(\"%s/cert-%05d.pem\", d, n) } f { print > f } /-----END CERTIFICATE-----/ { close(f); f = \"\" }' $B"
		case " ${ROWS:-from} " in *" from "*)
		python3 "$HERE/pair.py" --runs "$RUNS" --prep-a "$fresh" --prep-b "$split" \
		    "smtls rehash --from" "$SMTLS rehash $D --from $B --quiet --keep-expired" \
		    "openssl rehash" "openssl rehash $D" ;;
		esac
		case " ${ROWS:-from} " in *" links "*)
		# the same split directory for both, its links removed before each run
		unlink="find $D -maxdepth 1 -type l -delete"
		sh -c "$split"
		echo "  links only (the files already there):"
		python3 "$HERE/pair.py" --runs "$RUNS" --prep-a "$unlink" --prep-b "$unlink" \
		    "smtls rehash" "$SMTLS rehash $D --quiet" \
		    "openssl rehash" "openssl rehash $D" ;;
		esac
	done
	rm -rf "$D" "$D".old.*
done
