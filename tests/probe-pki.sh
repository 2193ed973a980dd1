# tests/probe-pki.sh: a throw-away PKI and sendmail instances for the probe and explain tests.
# Source it, then
# pki_make DIR: root -> intermediate -> leaves for mail.test.example (127.0.0.1, ::1):
#   root.pem int.pem server.pem/.key (good) expired.pem (its validity ended 2021-01-01, same key)
#   selfsigned.pem/.key, chain.pem (= int.pem), fullchain.pem (server + int), root-dir/ (hashed)
pki_make() {
	local d=$1
	mkdir -p "$d/ca" "$d/root-dir" && (
	cd "$d" || exit 1
	printf '%s\n' '[r]' 'basicConstraints=critical,CA:true' 'keyUsage=critical,keyCertSign,cRLSign' \
		'[i]' 'basicConstraints=critical,CA:true,pathlen:0' 'keyUsage=critical,keyCertSign,cRLSign' \
		'[s]' 'extendedKeyUsage=serverAuth,clientAuth' \
		'subjectAltName=DNS:mail.test.example,IP:127.0.0.1,IP:::1' > ext.cnf
	cat /etc/ssl/openssl.cnf ext.cnf > req.cnf
	printf '%s\n' '[ca]' 'default_ca = d' '[d]' 'database = ca/index.txt' 'serial = ca/serial' \
		'new_certs_dir = ca' 'default_md = sha256' 'policy = p' 'unique_subject = no' \
		'[p]' 'commonName = supplied' 'organizationName = optional' > ca.cnf
	: > ca/index.txt; echo 01 > ca/serial
	o() { openssl "$@" 2>/dev/null || { echo "pki: openssl $* failed" >&2; exit 1; }; }
	o req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout root.key -out root.pem \
		-days 3650 -subj "/O=Probe Test/CN=Probe Root CA" -config req.cnf -extensions r
	o req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout int.key -out int.csr \
		-subj "/O=Probe Test/CN=Probe Intermediate CA"
	o x509 -req -in int.csr -CA root.pem -CAkey root.key -CAcreateserial -out int.pem -days 1825 \
		-extfile ext.cnf -extensions i
	o req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout server.key \
		-out server.csr -subj "/O=Probe Test/CN=mail.test.example"
	o x509 -req -in server.csr -CA int.pem -CAkey int.key -CAcreateserial -out server.pem \
		-days 825 -extfile ext.cnf -extensions s
	o ca -batch -config ca.cnf -cert int.pem -keyfile int.key -in server.csr -out expired.pem \
		-startdate 20200101000000Z -enddate 20210101000000Z -extfile ext.cnf -extensions s -notext
	o req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout selfsigned.key \
		-out selfsigned.pem -days 30 -subj "/CN=mail.test.example" \
		-addext subjectAltName=DNS:mail.test.example
	cp int.pem chain.pem
	cat server.pem int.pem > fullchain.pem
	cat expired.pem int.pem > expired-fullchain.pem
	cp root.pem root-dir/root.pem
	ln -s root.pem "root-dir/$(openssl x509 -noout -subject_hash -in root.pem).0"
	chmod 600 ./*.key
	)
}

# sm_tls_instance DIR FQDN PORT CACERT CERT KEY [MC_LINES]: build a sendmail instance in DIR
# (needs tests/lib-sendmail.sh) with these TLS files; CACertPath is an empty directory.
# Extra mc lines (e.g. SMART_HOST) come from MC_LINES. The cf is DIR/sendmail.cf.
sm_tls_instance() {
	local d=$1 fqdn=$2 port=$3 ca=$4 cert=$5 key=$6 extra=${7:-}
	mkdir -p "$d/empty"
	{ sm_mc_head "$d" "$fqdn" "$port"
	  echo "define(\`confCACERT_PATH', \`$d/empty')dnl"
	  echo "define(\`confCACERT', \`$ca')dnl"
	  echo "define(\`confSERVER_CERT', \`$cert')dnl"
	  echo "define(\`confSERVER_KEY', \`$key')dnl"
	  echo "define(\`confCLIENT_CERT', \`$cert')dnl"
	  echo "define(\`confCLIENT_KEY', \`$key')dnl"
	  [ -n "$extra" ] && printf '%s\n' "$extra"
	  sm_mc_tail; } > "$d/sendmail.mc"
	sm_build "$d/sendmail.mc" "$d/sendmail.cf"
}
