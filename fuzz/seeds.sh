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
mkdir explain_line explain_stream mc cf cert key mcedit job pem

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
# DHParameters files (fuzz_key reads each input as one too): DH, X9.42 DH, after a certificate
"$openssl" genpkey -genparam -algorithm DH -pkeyopt dh_param:ffdhe2048 -out key/dh2048.pem 2>/dev/null
"$openssl" genpkey -genparam -algorithm DHX -pkeyopt dh_rfc5114:2 -out key/dhx.pem 2>/dev/null
cat "$d"/letsencrypt/r11.pem key/dh2048.pem > key/cert-dh.pem
"$openssl" rsa -in key/RSA.pem -traditional -out key/RSA-pkcs1.pem 2>/dev/null
cp cert/c1.pem key/cert-not-key.pem
# job: records as a child sends them (src/core/job.c: a type byte, a 32-bit length, fields of
# 32-bit integers and length-prefixed strings, -1 for none); the first byte chooses the reader
# (fuzz_job.c). An apply's steps, the proof's, and its result (10 apply steps, 5 proof steps,
# findings, the submit.mc pair); a key and certificate made, and their end; the live check.
python3 - <<'PY'
import struct
def i(v): return struct.pack("<i", v)
def s(t): return i(-1) if t is None else i(len(t.encode())) + t.encode()
def rec(t, body): return t.encode() + i(len(body)) + body
def findings(fs): return i(len(fs)) + b"".join(s(a) + i(sev) + s(f) + s(m) + s(x) + s(r) for a, sev, f, m, x, r in fs)
def pair(mc, cf): return s(mc) + s(cf) + s("--- a\n+++ b\n") + s(None) + s(mc + ".smtls-20261205T000000Z") + s(None) + i(2) + i(1) + i(0)
steps = b"".join(rec("s", i(k) + i(st) + s("detail") + i(0)) for k in range(10) for st in (1, 2))
prove = b"".join(rec("p", i(k) + i(2) + s("ok")) for k in range(5))
groups = rec("1", i(4242)) + rec("2", i(4242))
result = (i(0) + i(0) + s(None)
	+ findings([("key.mismatch", 3, "/etc/mail/tls/key.pem", "the key does not match", "use the key", "openssl x509 -noout"),
		    ("store.no-public-roots", 2, None, "no public root", None, None)])
	+ pair("/etc/mail/sendmail.mc", "/etc/mail/sendmail.cf") + s("systemctl restart sendmail")
	+ b"".join(i(2) for _ in range(10)) + b"".join(i(2) + s("done") for _ in range(5))
	+ s("mail.example.org") + i(20025) + i(0x3d) + findings([]) + i(1)
	+ pair("/etc/mail/submit.mc", "/etc/mail/submit.cf") + s("What the proof saw\n"))
open("job/apply", "wb").write(b"a" + groups + steps + prove + rec("r", result))
open("job/apply-failed", "wb").write(b"a" + rec("s", i(2) + i(3) + s("m4 failed") + i(0)) + rec("r", i(4) + i(2) + s("m4: exit 1")
	+ findings([]) + pair("x.mc", "x.cf") + s(None) + b"".join(i(0) for _ in range(10))
	+ b"".join(i(0) + s(None) for _ in range(5)) + s(None) + i(0) + i(0) + findings([]) + i(0) + s(None)))
open("job/made", "wb").write(b"f" + rec("f", s("key.pem") + i(0o600) + s("-----BEGIN PRIVATE KEY-----\n"))
	+ rec("f", s("cert.pem") + i(0o644) + s("-----BEGIN CERTIFICATE-----\n")) + rec("e", i(0) + s("ca.pem") + s(None)))
open("job/live", "wb").write(b"c" + rec("l", s("127.0.0.1") + i(25) + s("mail.example.org") + i(0))
	+ rec("l", s("127.0.0.1") + i(25) + s("mail.example.org") + i(1)) + rec("e", i(3) + s("Live check: passed\n")))
open("job/made-failed", "wb").write(b"f" + rec("e", i(1) + s(None) + s("cannot make the key")))
PY
# pem: the certificates as PEM (plain, with \r\n line ends, with text around, two in one file)
# and each subject's DER alone (fuzz_pem.c reads its input as a Name too)
cp cert/c*.pem cert/chain.pem pem/
sed 's/$/\r/' cert/c1.pem > pem/crlf.pem
{ echo "subject=CN = x"; cat cert/c1.pem; echo "trailing text"; } > pem/text.pem
python3 - <<'PY'
import glob
def tlv(b, i):
	l = b[i + 1]; h = 2
	if l & 0x80:
		n = l & 0x7f; l = int.from_bytes(b[i + 2:i + 2 + n], "big"); h = 2 + n
	return i + h, l
for k, f in enumerate(sorted(glob.glob("cert/c*.der"))):
	b = open(f, "rb").read()
	i, _ = tlv(b, 0)			# Certificate
	i, _ = tlv(b, i)			# TBSCertificate
	if b[i] == 0xa0:			# [0] version
		j, l = tlv(b, i); i = j + l
	for _ in range(4):			# serial, signature, issuer, validity
		j, l = tlv(b, i); i = j + l
	j, l = tlv(b, i)			# subject
	open("pem/subject%d.der" % k, "wb").write(b[i:j + l])
PY
cd ..
rm -rf "$out"
mv "$out.tmp" "$out"
