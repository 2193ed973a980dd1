# tests/lib-live.sh: a stand-in "live" sendmail for the live check and the timed rollback: a
# test daemon on its own loopback port, pid file, queue and log, started from a sandbox cf
# that apply (or the wizard) changes, and the admin-like command that restarts it. Source
# after tests/lib.sh, lib-sendmail.sh, lib-apply.sh and probe-pki.sh; call live_setup.

# the helpers the timed rollback starts end on their own; any left at exit is stopped by its PID
helpers=""
stop_helpers() {
	local p
	for p in $helpers; do
		tr '\0' ' ' 2>/dev/null < "/proc/$p/cmdline" | grep -q "confirm-helper" && kill "$p"
	done
	return 0
}
at_exit stop_helpers

# live_setup: a PKI in $P, the live instance in $L on $port serving the self-signed
# certificate (its mc and cf kept as $T/mc.orig and $T/cf.orig), started; its restart
# command $T/restart-live. 1 (said) when the instance cannot be built or started.
live_setup() {
	pki_make "$T/pki"
	P=$T/pki
	cat "$P/int.pem" "$P/root.pem" > "$P/ca-chain.pem"
	L=$T/live
	port=$(sm_free_port)
	if ! sm_tls_instance "$L" mail.test.example "$port" "$P/selfsigned.pem" "$P/selfsigned.pem" \
	    "$P/selfsigned.key" > "$T/live.build" 2>&1; then
		fail "the live instance builds" "$(cat "$T/live.build")"
		return 1
	fi
	cp "$L/sendmail.mc" "$T/mc.orig"
	cp "$L/sendmail.cf" "$T/cf.orig"
	# sm_stop_all stops whatever daemon the live pid file names at exit (checked to be ours)
	_sm_pids="$_sm_pids pending:$L/sendmail.cf"
	# the stand-in's restart command, as an admin's would be: stop the daemon by the PID in
	# its pid file (when it is the sendmail of this instance), start it again from the cf
	cat > "$T/restart-live" <<EOF
#!/bin/bash
echo restart >> "$T/restarts"
pid=\$(head -1 "$L/sendmail.pid" 2>/dev/null)
ours() { [ "\$(readlink /proc/\$1/exe 2>/dev/null)" = "$SM_BIN" ] &&
	case "\$(readlink /proc/\$1/cwd 2>/dev/null)" in "$L"/*) true;; *) false;; esac; }
if [ -n "\$pid" ] && ours "\$pid"; then
	kill "\$pid"
	for i in \$(seq 100); do ours "\$pid" || break; sleep 0.05; done
fi
exec unshare --uts sh -c 'hostname mail.test.example && exec "\$@"' sh "$SM_BIN" \
	-C "$L/sendmail.cf" -D "$L/maillog" -d89.8 -bd < /dev/null > /dev/null 2>&1
EOF
	chmod 755 "$T/restart-live"
	sm_start "$L/sendmail.cf" mail.test.example "$port" "$L/maillog" ||
		{ fail "the stand-in live daemon starts"; return 1; }
}

fp() { openssl x509 -noout -fingerprint -sha256 -in "$1" | sed 's/.*=//'; }
# served_leaf: the SHA-256 fingerprint of the leaf the live daemon serves now (openssl s_client)
served_leaf() {
	echo QUIT | timeout 10 openssl s_client -starttls smtp -connect "127.0.0.1:$port" 2>/dev/null |
		openssl x509 -noout -fingerprint -sha256 2>/dev/null | sed 's/.*=//'
}
live_pid() { head -1 "$L/sendmail.pid" 2>/dev/null; }
restarts() { wc -l < "$T/restarts" 2>/dev/null || echo 0; }
# reset_live: the previous mc and cf back, no backups, the daemon restarted on them
reset_live() {
	cp "$T/mc.orig" "$L/sendmail.mc"
	cp "$T/cf.orig" "$L/sendmail.cf"
	rm -f "$L"/sendmail.mc.smtls-* "$L"/sendmail.cf.smtls-*
	"$T/restart-live"
}
# wait_state PHASE: waits up to 60 s until the state file says PHASE
wait_state() {
	local i
	for i in $(seq 300); do
		grep -qx "phase=$1" "$SMTLS_STATE_DIR/confirm" 2>/dev/null && return 0
		sleep 0.2
	done
	return 1
}
