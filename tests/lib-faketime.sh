# tests/lib-faketime.sh: faketime_lib prints the path of libfaketime.so.1 (Debian package
# faketime), or fails. Sourced by tests/lib.sh (at_time) and tests/future-clock.sh.
faketime_lib() {
	local d
	for d in /usr/lib/"$(uname -m)"-linux-gnu/faketime /usr/lib/faketime /usr/local/lib/faketime; do
		[ -f "$d/libfaketime.so.1" ] && { echo "$d/libfaketime.so.1"; return 0; }
	done
	return 1
}
