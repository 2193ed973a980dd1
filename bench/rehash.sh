#!/bin/bash
# bench/rehash.sh: `smtls rehash` against `openssl rehash` at 144 (the system bundle), 1,000
# and 5,000 certificates, on tmpfs (/dev/shm) and on disk (under $TMPDIR or /var/tmp). The
# bundles of 1,000 and 5,000 are generated at run time (bench/gencerts.c). Runs are
# interleaved (bench/pair.py); each row prints both medians and the ratio smtls/openssl.
# Target (issue 14): ratio <= 0.5 at every size, on tmpfs and on disk; time linear in size.
#
# Rows (ROWS="links from", the default):
# - links, the goal row: `smtls rehash DIR` against `openssl rehash DIR` on the same
#   directory of one certificate per file, freshly split for each run: both do the same work
#   (read and hash every file, make the HASH.N links), the work `openssl rehash` does. smtls
#   then fsyncs the directory (the links durable); openssl never does, and that cost is in
#   the figures. Beside it, "symlinks alone" (bench/symlinks.c) makes the same number of
#   symbolic links in the same directory and nothing else: the file system's own cost of the
#   links, which both tools pay alike (on an ext4 without a journal it grows for minutes
#   after many files were deleted, pushing both tools' times, and their ratio, up).
# - from: `smtls rehash DIR --from BUNDLE` into an empty directory against `openssl rehash
#   DIR` on the same certificates already split into DIR (the split untimed). smtls also
#   writes the files and, on disk, makes each durable before it is renamed into place,
#   which openssl rehash never does; so on disk the row also prints the fair counterpart,
#   "openssl rehash + sync": openssl rehash, then coreutils `sync` of every certificate file
#   and of the directory (what makes its result as durable as smtls's), run by sh.
# smtls runs with --keep-expired, so that it handles every certificate as openssl does.
# "disk" must be a real file system: when $TMPDIR or /var/tmp is tmpfs, the build tree is
# used instead; the file system type of each place is printed.
# Every run gets a fresh directory; on disk the last one is moved aside, never removed (nor
# its links): ext4 without a journal (this VM's root) skips, for each new inode, every free
# inode of the group whose inode-table block is still in the buffer cache and whose deletion
# time is less than 60 s old (360 s while that block is dirty: fs/ext4/ialloc.c,
# recently_deleted()), so deleting thousands of files or links before a run adds
# milliseconds of the kernel's to both sides alike and hides the difference. For the same
# reason the disk place starts from a settled file system: `sync` and, when run as root,
# `echo 1 > /proc/sys/vm/drop_caches` (clean cached blocks, the inode tables among them,
# dropped; the deletions of an earlier run, a build or anything else no longer count). The
# line "settle:" says which was done; SETTLE=no measures the file system as it is, and the
# "symlinks alone" row shows what state the runs met (~4-6 ms for 144 links when settled;
# 15-25 ms in the minutes after ~12,000 deletions without the drop).
# Usage: bench/rehash.sh [RUNS]   (SMTLS=path/to/smtls; build without sanitizers for figures;
#        SIZES="144 1000 5000", PLACES="tmpfs disk", ROWS="links" to run a part; SETTLE=no)
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
cc -O2 -o "$W/symlinks" "$HERE/symlinks.c"
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
	if [ "$place" = disk ] && [ "${SETTLE:-yes}" != no ]; then
		sync
		if { echo 1 > /proc/sys/vm/drop_caches; } 2>/dev/null; then
			echo "settle: sync, and clean cached blocks dropped (recently deleted inodes no longer skipped)"
		else
			echo "settle: sync only (not root: caches kept; deletions of the last minutes may slow both sides' links alike)"
		fi
	elif [ "$place" = disk ]; then
		echo "settle: no (SETTLE=no: the file system as it is)"
	fi
	export SMTLS_STATE_DIR=$(dirname "$D")/state
	for n in ${SIZES:-144 1000 5000}; do
		B=$W/b$n.pem
		[ -f "$B" ] || continue
		echo "$n certificates ($(grep -c -- '-----BEGIN CERTIFICATE-----' "$B") in the bundle), $place:"
		# on disk the last run's directory is moved aside, not removed (see above); tmpfs
		# has no such cost, and what is moved aside there would fill the memory
		if [ "$place" = disk ]; then
			fresh="if [ -e $D ]; then mv $D \$(mktemp -u $D.old.XXXXXX); fi"
		else
			fresh="rm -rf $D"
		fi
		split="$fresh && mkdir $D && awk -v d=$D '/-----BEGIN CERTIFICATE-----/ { n++; f = sprintf(\"%s/cert-%05d.pem\", d, n) } f { print > f } /-----END CERTIFICATE-----/ { close(f); f = \"\" }' $B"
		case " ${ROWS:-links from} " in *" links "*)
		echo "  links (the files already there; the goal row):"
		python3 "$HERE/pair.py" --runs "$RUNS" --prep-a "$split" --prep-b "$split" \
		    "smtls rehash" "$SMTLS rehash $D --quiet" \
		    "openssl rehash" "openssl rehash $D"
		# the kernel's part of both: the same number of symlinks made by a bare C loop
		python3 "$HERE/pair.py" --runs "$RUNS" --prep-a "$split" --prep-b "$split" \
		    "symlinks alone" "$W/symlinks $D" \
		    "openssl rehash" "openssl rehash $D" ;;
		esac
		case " ${ROWS:-links from} " in *" from "*)
		echo "  from (smtls writes the files too):"
		python3 "$HERE/pair.py" --runs "$RUNS" --prep-a "$fresh" --prep-b "$split" \
		    "smtls rehash --from" "$SMTLS rehash $D --from $B --quiet --keep-expired" \
		    "openssl rehash" "openssl rehash $D"
		if [ "$place" = disk ]; then
			printf 'openssl rehash %s && sync %s/cert-*.pem %s\n' "$D" "$D" "$D" > "$W/fair.sh"
			python3 "$HERE/pair.py" --runs "$RUNS" --prep-a "$fresh" --prep-b "$split" \
			    "smtls rehash --from" "$SMTLS rehash $D --from $B --quiet --keep-expired" \
			    "openssl rehash + sync" "sh $W/fair.sh"
		fi ;;
		esac
	done
	rm -rf "$D" "$D".old.*
done
