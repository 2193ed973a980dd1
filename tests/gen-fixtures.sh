#!/bin/bash
# tests/gen-fixtures.sh DIR: makes the test PKI for the check tests in DIR, with fixed dates
# (judge them with --at 2026-06-01; the DST pattern with --at 2021-10-01). Uses `openssl ca`
# so that notBefore/notAfter are exact. Also copies the real Let's Encrypt certificates from
# tests/data/letsencrypt. Prints nothing on success; exits non-zero naming the failed step.
set -eu
D=${1:?usage: gen-fixtures.sh DIR}
SRC=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$D"
cd "$D"
die() { echo "gen-fixtures: $*" >&2; exit 1; }

cat > ext.cnf <<'EOF'
[root]
basicConstraints = critical,CA:true
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[int]
basicConstraints = critical,CA:true,pathlen:0
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[leaf]
basicConstraints = CA:false
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth,clientAuth
subjectAltName = DNS:mail.test.example
[wrongname]
basicConstraints = CA:false
extendedKeyUsage = serverAuth,clientAuth
subjectAltName = DNS:other.example
[serveronly]
basicConstraints = CA:false
extendedKeyUsage = serverAuth
subjectAltName = DNS:mail.test.example
[clientonly]
basicConstraints = CA:false
extendedKeyUsage = clientAuth
subjectAltName = DNS:mail.test.example
EOF
cat > ca.cnf <<'EOF'
[ca]
default_ca = CA_default
[CA_default]
dir = .
database = ./index.txt
new_certs_dir = ./newcerts
serial = ./serial
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = none
email_in_dn = no
[policy_any]
commonName = supplied
organizationName = optional
EOF
mkdir -p newcerts
: > index.txt
echo 1000 > serial

o() { openssl "$@" > /dev/null 2>&1 || die "openssl $*"; }
eckey() { o genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1"; chmod 600 "$1"; }
rsakey() { o genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:"$2" -out "$1"; chmod 600 "$1"; }
# sign NAME SUBJECT CA_NAME|self START END EXT [MD]: NAME.csr from NAME.key -> NAME.pem
sign() {
	local name=$1 subj=$2 ca=$3 start=$4 end=$5 ext=$6 md=${7:-sha256}
	o req -new -key "$name.key" -subj "$subj" -out "$name.csr"
	if [ "$ca" = self ]; then
		o ca -batch -config ca.cnf -selfsign -keyfile "$name.key" -in "$name.csr" \
			-out "$name.pem" -startdate "$start" -enddate "$end" -extfile ext.cnf \
			-extensions "$ext" -md "$md" -notext
	else
		o ca -batch -config ca.cnf -cert "$ca.pem" -keyfile "$ca.key" -in "$name.csr" \
			-out "$name.pem" -startdate "$start" -enddate "$end" -extfile ext.cnf \
			-extensions "$ext" -md "$md" -notext
	fi
	rm -f "$name.csr"
}

# a private CA: root -> intermediate -> leaves
eckey root.key;  sign root "/O=smtls test/CN=Test Root CA" self 20200101000000Z 20400101000000Z root
eckey int.key;   sign int "/O=smtls test/CN=Test Intermediate CA" root 20200101000000Z 20350101000000Z int
leaf() { # leaf NAME START END [EXT] [KEYTYPE] [MD]
	case ${5:-ec} in
	ec) eckey "$1.key" ;;
	rsa1024) rsakey "$1.key" 1024 ;;
	rsa2048) rsakey "$1.key" 2048 ;;
	esac
	sign "$1" "/O=smtls test/CN=mail.test.example" int "$2" "$3" "${4:-leaf}" "${6:-sha256}"
}
# judged at 2026-06-01
leaf good      20260501000000Z 20260730000000Z
leaf expired   20260101000000Z 20260331000000Z
leaf notyet    20260701000000Z 20260929000000Z
leaf expiring  20260310000000Z 20260608000000Z
leaf wrongname 20260501000000Z 20260730000000Z wrongname
leaf weak      20260501000000Z 20260730000000Z leaf rsa1024
leaf sha1      20260501000000Z 20260730000000Z leaf ec sha1
leaf noclient  20260501000000Z 20260730000000Z serveronly
leaf noserver  20260501000000Z 20260730000000Z clientonly
eckey selfsigned.key
sign selfsigned "/O=smtls test/CN=mail.test.example" self 20260501000000Z 20260730000000Z leaf

# the DST Root CA X3 pattern: an old root that expires, a new root it cross-signs
eckey oldroot.key; sign oldroot "/O=Old Trust/CN=Old Root X3" self 20000101000000Z 20210930000000Z root
eckey newroot.key; sign newroot "/O=New Trust/CN=New Root X1" self 20150101000000Z 20350101000000Z root
cp newroot.key newroot-cross.key
sign newroot-cross "/O=New Trust/CN=New Root X1" oldroot 20210120000000Z 20240930000000Z root
eckey newint.key;  sign newint "/O=New Trust/CN=New Intermediate R3" newroot 20200901000000Z 20250915000000Z int
cp newint.key dstint.key
eckey dstleaf.key
o req -new -key dstleaf.key -subj "/CN=mail.test.example" -out dstleaf.csr
o ca -batch -config ca.cnf -cert newint.pem -keyfile newint.key -in dstleaf.csr -out dstleaf.pem \
	-startdate 20210901000000Z -enddate 20211130000000Z -extfile ext.cnf -extensions leaf -notext
rm -f dstleaf.csr newroot-cross.key dstint.key
cat newint.pem newroot-cross.pem > dst-chain.pem	# the "long chain" of 2021
mkdir -p dst-capath && cp oldroot.pem dst-capath/ && o rehash dst-capath

# keys and files that are wrong in one way each
eckey other.key					# belongs to no certificate
o pkey -in good.key -out encrypted.key -aes256 -passout pass:secret
chmod 600 encrypted.key
o x509 -in good.pem -outform DER -out good.der
o pkey -in good.key -outform DER -out good-key.der
chmod 600 good-key.der
head -c 4096 /dev/urandom > garbage.bin
: > empty.pem
head -c 300 good.pem > truncated.pem
cat good.pem int.pem > fullchain.pem
cat int.pem > chain.pem
cat int.pem root.pem > ca-chain.pem
for i in $(seq 21); do cat root.pem; done > large-cafile.pem

# CACertPath directories: hashed, unhashed, stale
mkdir -p capath && cp root.pem capath/root.pem && o rehash capath
mkdir -p capath-unhashed && cp root.pem capath-unhashed/root.pem
mkdir -p capath-stale && cp root.pem capath-stale/root.pem && o rehash capath-stale
ln -s no-such-file.pem capath-stale/0badc0de.0
cp int.pem capath-stale/00000000.0

# the public roots that peers trust in these tests: our root and the real ISRG Root X1
LE=$SRC/data/letsencrypt
[ -f "$LE/isrg-root-x1.pem" ] || die "missing $LE"
mkdir -p le && cp "$LE"/*.pem le/
cat root.pem le/isrg-root-x1.pem > public.pem
cat newroot.pem oldroot.pem le/isrg-root-x1.pem > public-dst.pem
rm -rf newcerts index.txt* serial* ca.cnf
exit 0
