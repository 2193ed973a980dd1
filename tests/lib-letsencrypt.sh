# tests/lib-letsencrypt.sh: build a fake /etc/letsencrypt tree (live -> archive symlinks) in the scratch dir.
# Source after tests/lib.sh. The chains hold the real public intermediates of tests/data/letsencrypt-certs;
# each leaf is signed by a throw-away key under the intermediate's name.
LE_CERTS="$top_srcdir/tests/data/letsencrypt-certs"

# le_lineage LEDIR NAME VERSION KEYTYPE DAYS INTERMEDIATE [MORE CHAIN FILES...]
#   KEYTYPE: ec or rsa; INTERMEDIATE and MORE: file names in $LE_CERTS (chain.pem, in this order)
#   The leaf is valid for DAYS from $LE_AT (a UTC time such as 2026-10-01T00:00:00Z; judge it
#   with --at: the real intermediates expire) or, when LE_AT is empty, from now.
LE_AT=${LE_AT:-}
le_lineage() {
	local le=$1 name=$2 ver=$3 kt=$4 days=$5 int=$6 a l f subj
	shift 6
	a="$le/archive/$name"; l="$le/live/$name"
	mkdir -p "$a" "$l" "$le/.fakeca"
	subj=$(openssl x509 -in "$LE_CERTS/$int" -noout -subject -nameopt compat | sed 's/^subject=//')
	local ca="$le/.fakeca/${int%.pem}"
	if [ ! -f "$ca.key" ]; then
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$ca.key" \
			-out "$ca.pem" -days 3650 -subj "$subj" 2>/dev/null || return 1
	fi
	if [ "$kt" = rsa ]; then
		openssl genpkey -algorithm rsa -pkeyopt rsa_keygen_bits:2048 -out "$a/privkey$ver.pem" 2>/dev/null
	else
		openssl genpkey -algorithm ec -pkeyopt ec_paramgen_curve:P-256 -out "$a/privkey$ver.pem" 2>/dev/null
	fi
	chmod 600 "$a/privkey$ver.pem"
	printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:%s,DNS:www.%s\n' \
		"$name" "$name" > "$le/.fakeca/ext"
	openssl req -new -key "$a/privkey$ver.pem" -subj "/CN=$name" -out "$le/.fakeca/csr" 2>/dev/null || return 1
	if [ -n "$LE_AT" ]; then	# openssl 3.0's x509 cannot set notBefore; `openssl ca` can
		local from to
		from=$(date -u -d "$LE_AT" +%Y%m%d%H%M%SZ) && to=$(date -u -d "$LE_AT +$days days" +%Y%m%d%H%M%SZ) ||
			return 1
		printf '%s\n' '[ca]' 'default_ca = d' '[d]' "database = $le/.fakeca/index" \
			"serial = $le/.fakeca/serial" "new_certs_dir = $le/.fakeca" 'default_md = sha256' \
			'policy = p' 'unique_subject = no' '[p]' 'commonName = supplied' > "$le/.fakeca/ca.cnf"
		[ -f "$le/.fakeca/index" ] || : > "$le/.fakeca/index"
		openssl rand -hex 16 > "$le/.fakeca/serial"
		openssl ca -batch -config "$le/.fakeca/ca.cnf" -cert "$ca.pem" -keyfile "$ca.key" \
			-in "$le/.fakeca/csr" -startdate "$from" -enddate "$to" -extfile "$le/.fakeca/ext" \
			-notext -out "$a/cert$ver.pem" 2>/dev/null || return 1
	else
		openssl x509 -req -in "$le/.fakeca/csr" -CA "$ca.pem" -CAkey "$ca.key" \
			-set_serial "0x$(openssl rand -hex 16)" -days "$days" -extfile "$le/.fakeca/ext" \
			-out "$a/cert$ver.pem" 2>/dev/null || return 1
	fi
	: > "$a/chain$ver.pem"
	for f in "$int" "$@"; do cat "$LE_CERTS/$f" >> "$a/chain$ver.pem"; done
	cat "$a/cert$ver.pem" "$a/chain$ver.pem" > "$a/fullchain$ver.pem"
	for f in cert chain fullchain privkey; do
		ln -sfn "../../archive/$name/$f$ver.pem" "$l/$f.pem"
	done
}
