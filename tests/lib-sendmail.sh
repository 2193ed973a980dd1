# tests/lib-sendmail.sh: run the real Debian sendmail on 127.0.0.1 for end-to-end tests.
# Source after tests/lib.sh. Every daemon started here is stopped by its own PID at exit.
# As doc/design.md §1.16 describes: a private UTS namespace with a dotted hostname avoids
# sendmail's 60 s "unqualified host name" sleep (§1.10); -d89.8 -D FILE writes its log
# lines to FILE.

SM_BIN=${SM_BIN:-/usr/libexec/sendmail/sendmail}
SM_CF_DIR=${SM_CF_DIR:-/usr/share/sendmail/cf}
_sm_pids=""

# sm_available: true when sendmail, its cf files and unshare can be used here
sm_available() {
	[ -x "$SM_BIN" ] && [ -f "$SM_CF_DIR/m4/cf.m4" ] && [ "$(id -u)" -eq 0 ] &&
		unshare --uts true 2>/dev/null
}

# sm_ns HOSTNAME CMD...: run CMD in a private UTS namespace whose hostname is HOSTNAME
sm_ns() { local h=$1; shift; unshare --uts sh -c 'hostname "$0" && exec "$@"' "$h" "$@"; }

# sm_free_port: prints a loopback TCP port that nobody listens on (from 20000 + a per-test offset)
sm_free_port() {
	local p=$(( 20000 + ($$ % 5000) * 3 ))
	while ss -ltnH 2>/dev/null | awk '{print $4}' | grep -qE "[:.]$p\$"; do p=$((p + 1)); done
	echo $p
}

# sm_mc DIR FQDN PORT: prints a loopback sendmail.mc head for an instance living in DIR;
# the TLS part and MAILER lines follow (see sm_mc_tail). PORT 0 = no daemon listener.
sm_mc_head() {
	local d=$1 fqdn=$2 port=$3
	mkdir -p "$d/mqueue" "$d/inbox"; chmod 700 "$d/mqueue"
	: > "$d/aliases"; : > "$d/local-host-names"
	printf 'hosts\tfiles\naliases\tfiles\n' > "$d/switch"
	printf '#!/bin/sh\nfor a; do u=$a; done; cat > %s/inbox/$u.$$\n' "$d" > "$d/deliver"
	chmod 755 "$d/deliver"
	cat <<MC
divert(-1)dnl
include(\`$SM_CF_DIR/m4/cf.m4')dnl
divert(0)dnl
OSTYPE(\`linux')dnl
DOMAIN(\`generic')dnl
FEATURE(\`local_procmail', \`$d/deliver', \`deliver \$u')dnl
FEATURE(\`no_default_msa')dnl
FEATURE(\`accept_unresolvable_domains')dnl
define(\`confDOMAIN_NAME', \`$fqdn')dnl
define(\`confCW_FILE', \`$d/local-host-names')dnl
define(\`QUEUE_DIR', \`$d/mqueue')dnl
define(\`confPID_FILE', \`$d/sendmail.pid')dnl
define(\`STATUS_FILE', \`$d/statistics')dnl
define(\`ALIAS_FILE', \`$d/aliases')dnl
define(\`confDEAD_LETTER_DROP', \`$d/dead.letter')dnl
define(\`confSERVICE_SWITCH_FILE', \`$d/switch')dnl
define(\`confDONT_PROBE_INTERFACES', \`True')dnl
define(\`confDONT_BLAME_SENDMAIL', \`TrustStickyBit')dnl
define(\`confLOG_LEVEL', \`14')dnl
MC
	[ "$port" -ne 0 ] && echo "DAEMON_OPTIONS(\`Port=$port, Addr=127.0.0.1, Name=MTA')dnl"
	[ "$port" -eq 0 ] && echo "DAEMON_OPTIONS(\`Port=0, Addr=127.0.0.1, Name=MTA')dnl"
	return 0
}
sm_mc_tail() { echo "MAILER(\`local')dnl"; echo "MAILER(\`smtp')dnl"; }

# sm_build MC CF: m4 the mc into cf (any m4 complaint fails), then sendmail -bC and -bi
sm_build() {
	local mc=$1 cf=$2
	m4 "$mc" > "$cf" 2> "$cf.m4err" || { cat "$cf.m4err" >&2; return 1; }
	[ -s "$cf.m4err" ] && { cat "$cf.m4err" >&2; return 1; }
	sm_ns build.test.example timeout 30 "$SM_BIN" -C "$cf" -bC >&2 ||
		{ echo "# sm_build: sendmail -bC failed or timed out on $cf" >&2; return 1; }
	sm_ns build.test.example timeout 30 "$SM_BIN" -C "$cf" -bi >/dev/null 2>&1 ||
		{ echo "# sm_build: sendmail -bi failed or timed out on $cf" >&2; return 1; }
}

# sm_start CF FQDN PORT LOG: start a daemon from CF, its log lines in LOG; waits until it listens
sm_start() {
	local cf=$1 fqdn=$2 port=$3 log=$4 d pid i
	d=$(dirname "$cf")
	: > "$log"
	sm_ns "$fqdn" "$SM_BIN" -C "$cf" -D "$log" -d89.8 -bd || return 1
	# a loaded machine (or a slow DNS answer at start-up) can take seconds: wait up to 30 s
	for i in $(seq 600); do
		ss -ltnH 2>/dev/null | awk '{print $4}' | grep -qx "127.0.0.1:$port" && break
		sleep 0.05
	done
	pid=$(head -1 "$d/sendmail.pid" 2>/dev/null)
	if [ -z "$pid" ]; then
		# it may still come up after we gave up: sm_stop_all looks for its pid file then
		_sm_pids="$_sm_pids pending:$cf"
		echo "# sm_start: no daemon from $cf on port $port; its log:" >&2
		tail -n 5 "$log" | sed 's/^/#   /' >&2
		return 1
	fi
	_sm_pids="$_sm_pids $pid:$cf"
	sleep 0.1
	return 0
}

# _sm_ours PID CF: PID is the sendmail daemon started from CF. Its command line cannot tell
# (sendmail rewrites it to "sendmail: accepting connections"); its binary and its working
# directory (the instance's queue directory, next to CF) can.
_sm_ours() {
	[ "$(readlink /proc/$1/exe 2>/dev/null)" = "$SM_BIN" ] || return 1
	case "$(readlink /proc/$1/cwd 2>/dev/null)" in "$(dirname "$2")"/*) return 0;; esac
	return 1
}

# sm_stop_all: stop every daemon this test started, each by its own PID (checked against
# its binary and its instance directory before each kill)
sm_stop_all() {
	local e pid cf i
	for e in $_sm_pids; do
		pid=${e%%:*}; cf=${e#*:}
		[ "$pid" = pending ] && pid=$(head -1 "$(dirname "$cf")/sendmail.pid" 2>/dev/null)
		[ -n "$pid" ] && _sm_ours "$pid" "$cf" || continue
		kill "$pid" 2>/dev/null
		for i in $(seq 50); do _sm_ours "$pid" "$cf" || break; sleep 0.05; done
		_sm_ours "$pid" "$cf" && kill -9 "$pid" 2>/dev/null
	done
	_sm_pids=""
	return 0
}
at_exit sm_stop_all

# sm_send CF FQDN LOG FROM TO: send one message through the client instance CF (delivers at once)
sm_send() {
	local cf=$1 fqdn=$2 log=$3 from=$4 to=$5
	printf 'Subject: smtls test\n\nhello\n' |
		sm_ns "$fqdn" timeout 60 "$SM_BIN" -C "$cf" -D "$log" -d89.8 -odi -oi -f "$from" "$to"
}
