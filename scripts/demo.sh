#!/bin/sh
# scripts/demo.sh: a throw-away Let's-Encrypt-like setup (test root -> intermediate -> leaf)
# in a temporary directory, checked by smtls. Touches nothing outside that directory.
set -e
SMTLS=${SMTLS:-./smtls}
D=$(mktemp -d "${TMPDIR:-/tmp}/smtls-demo.XXXXXX")
trap 'rm -rf "$D"' EXIT
cd "$D"
o() { openssl "$@" 2>/dev/null; }
printf '%s\n' '[ca]' 'basicConstraints=critical,CA:true' 'keyUsage=critical,keyCertSign,cRLSign' \
	'[leaf]' 'extendedKeyUsage=serverAuth' 'subjectAltName=DNS:mail.demo.example' > ext.cnf
o req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout root.key -out root.pem \
	-days 3650 -subj "/O=smtls demo/CN=Demo Root" -addext basicConstraints=critical,CA:true \
	-addext keyUsage=critical,keyCertSign,cRLSign
o req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout int.key -out int.csr \
	-subj "/O=smtls demo/CN=Demo R1"
o x509 -req -in int.csr -CA root.pem -CAkey root.key -CAcreateserial -out chain.pem -days 1825 \
	-extfile ext.cnf -extensions ca
o req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout privkey.pem -out leaf.csr \
	-subj "/CN=mail.demo.example"
o x509 -req -in leaf.csr -CA chain.pem -CAkey int.key -CAcreateserial -out cert.pem -days 90 \
	-extfile ext.cnf -extensions leaf
chmod 600 privkey.pem
mkdir roots && cp root.pem roots/ && o rehash roots
echo "Demo setup in $D (removed on exit): a Let's-Encrypt-like live directory."
cd - >/dev/null
"$SMTLS" check --letsencrypt "$D" --ca-path "$D/roots" --public-roots "$D/root.pem" \
	--hostname mail.demo.example || true
