# tests/lib-regress.sh: a real sendmail daemon on 127.0.0.1 for the regression tests of the
# check model. Source after tests/lib-check.sh (or tests/lib.sh). Each case lives in a
# directory: rg_mc DIR writes its sendmail.mc (TLS lines on stdin), rg_serve DIR builds the cf,
# starts the daemon, connects once and stops it.
. "$top_srcdir/tests/lib-sendmail.sh"

RG_FQDN=${RG_FQDN:-mail.test.example}

# rg_mc DIR: a loopback sendmail.mc in DIR; the TLS define lines come on stdin
rg_mc() {
	local d=$1
	local last
	last=$(cat "$T/.rg-last-port" 2>/dev/null || echo 0)
	RG_PORT=$(sm_free_port)
	while [ "$RG_PORT" -le "$last" ] ||
	    ss -ltnH 2>/dev/null | awk '{print $4}' | grep -qE "[:.]$RG_PORT\$"; do
		RG_PORT=$((RG_PORT + 1))
	done
	echo "$RG_PORT" > "$T/.rg-last-port"	# a fresh port per case, also from a subshell
	mkdir -p "$d"
	{ sm_mc_head "$d" "$RG_FQDN" "$RG_PORT"; cat; sm_mc_tail; } > "$d/sendmail.mc"
	echo "$RG_PORT" > "$d/port"	# rg_mc may run in a pipeline's subshell
}

# rg_serve DIR [CAFILE]: build DIR/sendmail.cf unless it exists, start the daemon, connect once
# with openssl s_client (verifying with CAFILE when given). Sets RG_CHAIN (certificates sent,
# 0 = no STARTTLS, -1 = no daemon) and RG_VERIFY (s_client's verify return code, or "").
rg_serve() {
	local d=$1 ca=${2:-}
	RG_CHAIN=-1 RG_VERIFY= RG_PORT=$(cat "$1/port")
	sm_stop_all
	if [ ! -s "$d/sendmail.cf" ] && ! sm_build "$d/sendmail.mc" "$d/sendmail.cf" 2> "$d/build.err"; then
		sed 's/^/# /' "$d/build.err"; return 1
	fi
	if ! sm_start "$d/sendmail.cf" "$RG_FQDN" "$RG_PORT" "$d/log"; then
		sed 's/^/# /' "$d/log"; return 1
	fi
	timeout 20 openssl s_client -starttls smtp -connect 127.0.0.1:$RG_PORT -showcerts \
		${ca:+-CAfile "$ca"} -servername "$RG_FQDN" < /dev/null > "$d/s_client.out" 2>&1
	RG_CHAIN=$(grep -c 'BEGIN CERTIFICATE' "$d/s_client.out")
	RG_VERIFY=$(sed -n 's/^ *Verify return code: \([0-9]*\).*/\1/p' "$d/s_client.out" | tail -1)
	sm_stop_all
	return 0
}

rg_log_has() { grep -qF -- "$2" "$1/log"; }

# rg_pki DIR: a PKI valid now in DIR: root.pem (P-256) -> int.pem -> leaf.pem for $RG_FQDN
# (keys 0600), capath/ holding the root with its hash link, and ext.cnf for more leaves
rg_pki() {
	local p=$1
	mkdir -p "$p/capath"
	printf '%s\n' '[r]' 'basicConstraints=critical,CA:true' 'keyUsage=critical,keyCertSign,cRLSign' \
		'[i]' 'basicConstraints=critical,CA:true,pathlen:0' 'keyUsage=critical,keyCertSign,cRLSign' \
		'[s]' 'extendedKeyUsage=serverAuth,clientAuth' "subjectAltName=DNS:$RG_FQDN" > "$p/ext.cnf"
	cat /etc/ssl/openssl.cnf "$p/ext.cnf" > "$p/req.cnf"
	(
		cd "$p" || exit 1
		set -e
		q() { openssl "$@" > /dev/null 2>&1; }
		q req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout root.key \
			-out root.pem -days 3650 -subj "/CN=Regress Root" -extensions r -config req.cnf
		q req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout int.key \
			-out int.csr -subj "/CN=Regress Intermediate"
		q x509 -req -in int.csr -CA root.pem -CAkey root.key -CAcreateserial -out int.pem \
			-days 1825 -extfile ext.cnf -extensions i
		q req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout leaf.key \
			-out leaf.csr -subj "/CN=$RG_FQDN"
		q x509 -req -in leaf.csr -CA int.pem -CAkey int.key -CAcreateserial -out leaf.pem \
			-days 90 -extfile ext.cnf -extensions s
		chmod 600 ./*.key
		cp root.pem capath/ && q rehash capath
	) || { echo "Bail out! rg_pki: openssl failed in $p"; exit 1; }
}

# rg_check DIR [ARGS...]: smtls check --json of the case's mc with the real binary, judged now
# (the PKI of rg_pki is made now), the PKI's root as the public roots unless ARGS say otherwise
rg_check() {
	local d=$1; shift
	run "$SMTLS" check --json --hostname "$RG_FQDN" --public-roots "${RG_ROOTS:-$RG_P/root.pem}" \
		--sendmail "$SM_BIN" --mc "$d/sendmail.mc" "$@"
}
# rg_tls DIR CERT KEY CACERT CAPATH [EXTRA MC LINES]: the TLS lines of a case on stdin of rg_mc
rg_tls() {
	local d=$1
	{
		echo "define(\`confSERVER_CERT', \`$2')dnl"
		echo "define(\`confSERVER_KEY', \`$3')dnl"
		[ -n "$4" ] && echo "define(\`confCACERT', \`$4')dnl"
		[ -n "$5" ] && echo "define(\`confCACERT_PATH', \`$5')dnl"
		[ -n "${6:-}" ] && printf '%s\n' "$6"
		true
	} | rg_mc "$d"
}

# rg_sink DIR: starts a peer in DIR that serves rg_pki's leaf and intermediate and takes mail
# for test.example; sets RG_RELAY, the mc lines that send a case's mail to it
rg_sink() {
	local d=$1
	rg_tls "$d" "$RG_P/leaf.pem" "$RG_P/leaf.key" "$RG_P/int.pem" "$RG_P/capath"
	echo test.example > "$d/local-host-names"
	RG_RELAY="define(\`SMART_HOST', \`[127.0.0.1]')dnl
define(\`RELAY_MAILER_ARGS', \`TCP \$h $(cat "$d/port")')dnl"
	sm_build "$d/sendmail.mc" "$d/sendmail.cf" > "$d/build.log" 2>&1 &&
		sm_start "$d/sendmail.cf" "$RG_FQDN" "$(cat "$d/port")" "$d/log"
}
# rg_deliver DIR CACERT CAPATH [MC LINES]: a case as a client of the sink, under a name of its
# own (a peer greeting with ours would be a mail loop), delivers one message; prints the
# verify= it logged
rg_deliver() {
	local d=$1
	RG_FQDN=client.test.example rg_tls "$d" "$RG_P/leaf.pem" "$RG_P/leaf.key" "$2" "$3" \
		"$RG_RELAY${4:+
$4}"
	sm_build "$d/sendmail.mc" "$d/sendmail.cf" > "$d/build.log" 2>&1
	sm_send "$d/sendmail.cf" client.test.example "$d/log" a@client.test.example \
		root@test.example >> "$d/build.log" 2>&1
	sed -n 's/.*STARTTLS=client, relay=\[127.0.0.1\].*verify=\([A-Z]*\).*/\1/p' "$d/log" | tail -1
}
