#!/bin/sh
# fuzz/seeds.sh SRCDIR OUTDIR [OPENSSL]: seed corpora for the fuzz targets, made from the test
# fixtures in SRCDIR/tests/data: one directory per target under OUTDIR. Certificates and keys
# are converted (DER, PKCS#7) and generated with the real openssl.
set -eu
src=$(cd "$1" && pwd)
mkdir -p "$(dirname "$2")"
out=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
openssl=${3:-openssl}
d=$src/tests/data
rm -rf "$out.tmp"
mkdir -p "$out.tmp"
cd "$out.tmp"
mkdir explain_line explain_stream mc cf cert key mcedit

# every log line alone, and every log whole (plain and gzip); message headers too
n=0
for f in "$d"/*.maillog "$d"/*.mbox; do
	cp "$f" explain_stream/
	gzip -9 -n -c "$f" > "explain_stream/$(basename "$f").gz"
	while IFS= read -r line; do
		n=$((n + 1))
		printf '%s' "$line" > "explain_line/line$n"
	done < "$f"
done
# each Received: field unfolded, as explain_line also parses its value
n=0
for f in "$d"/*.mbox "$d"/*.maillog; do
	awk -v dir=explain_line -v base="$(basename "$f")" '
	function flush() { if (v != "") { n++; printf "%s", v > (dir "/received-" base "-" n); close(dir "/received-" base "-" n) } v = "" }
	/^[ \t]/ && v != "" { v = v $0; next }
	{ flush() }
	tolower(substr($0, 1, 9)) == "received:" { v = substr($0, 10) }
	END { flush() }' "$f"
done

# sendmail.mc texts: the fixtures, the snippets smtls writes, and a cf-like text
cp "$d"/*.mc "$d"/*.m4 mc/
cp "$d"/*.mc mcedit/
for f in "$src"/snippets/*; do
	[ -f "$f" ] && cp "$f" "mc/snippet-$(basename "$f")"
done

# certificates: PEM, DER, PKCS#7 (PEM and DER), a chain; keys: PEM, DER, PKCS#1, encrypted
i=0
for f in "$d"/letsencrypt/*.pem; do
	i=$((i + 1))
	cp "$f" "cert/c$i.pem"
	"$openssl" x509 -in "$f" -outform DER -out "cert/c$i.der" 2>/dev/null
done
cat "$d"/letsencrypt/r11.pem "$d"/letsencrypt/isrg-root-x1.pem > cert/chain.pem
"$openssl" crl2pkcs7 -nocrl -certfile cert/chain.pem -out cert/chain.p7b
"$openssl" crl2pkcs7 -nocrl -certfile cert/chain.pem -outform DER -out cert/chain.p7c
for alg in "EC -pkeyopt ec_paramgen_curve:P-256" ED25519 "RSA -pkeyopt rsa_keygen_bits:1024"; do
	name=$(echo "$alg" | cut -d' ' -f1)
	# shellcheck disable=SC2086
	"$openssl" genpkey -algorithm $alg -out "key/$name.pem" 2>/dev/null
	"$openssl" pkey -in "key/$name.pem" -outform DER -out "key/$name.der"
	"$openssl" pkey -in "key/$name.pem" -aes128 -passout pass:x -out "key/$name-enc.pem"
done
"$openssl" rsa -in key/RSA.pem -traditional -out key/RSA-pkcs1.pem 2>/dev/null
cp cert/c1.pem key/cert-not-key.pem
cd ..
rm -rf "$out"
mv "$out.tmp" "$out"
