#!/usr/bin/env python3
"""bench/oracle.py: the differential oracle for `smtls check` (see doc/oracle.md).

For N setups drawn from a seed it builds the cf with the real m4 and sendmail-cf, runs the
real sendmail on 127.0.0.1 as a server and as a client, observes what it does, asks
`smtls check --json` for its prediction, maps both to the same facts and prints a confusion
table per fact and every disagreement with its setup id and description.

Same seed -> same setups (the PKI is made afresh per run, with validity windows relative to
the real clock, since the daemon judges with the real clock; check is given that same time).
Needs root, unshare, sendmail-bin, sendmail-cf, m4 and openssl. Python 3 stdlib only.
"""
import argparse
import concurrent.futures
import json
import os
import random
import re
import shutil
import signal
import smtplib
import socket
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone

SM_BIN = os.environ.get("SM_BIN", "/usr/libexec/sendmail/sendmail")
CF_DIR = os.environ.get("SM_CF_DIR", "/usr/share/sendmail/cf")
FQDN = "mail.test.example"
SINK_FQDN = "sink.test.example"
SYS_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"
SYS_DIR = "/etc/ssl/certs"

# ---------------------------------------------------------------------------------------
# The mapping: check's findings -> the observable facts (documented in doc/oracle.md).
# A finding counts for a side by its "file": the server's cert/key count for the server,
# the client's for the client, CACertFile/CACertPath and findings without a TLS file for both.
NO_TLS = {  # an error with one of these ids: sendmail offers no STARTTLS (server side)
    "mc.no-tls", "mc.m4-error", "mc.unsupported-option", "sendmail.no-starttls",
    "file.missing", "file.unreadable", "file.not-pem", "file.unsafe",
    "key.not-a-key", "key.encrypted", "key.mismatch", "key.readable", "key.weak",
    "cert.weak-signature",
}
REFUSED = NO_TLS - {"mc.no-tls", "mc.m4-error", "mc.unsupported-option", "sendmail.no-starttls"}
PEER_REJECTS = {  # any severity: a peer verifying with the public roots rejects what we serve
    "chain.incomplete", "chain.expired-ca", "chain.untrusted",
    "cert.expired", "cert.not-yet-valid", "cert.is-ca",
}
OWN_FAIL = {  # as a warning or error: sendmail's own verification of a public peer fails
    "store.no-public-roots", "store.capath-unhashed", "store.capath-stale",
    "store.verify-broken", "store.no-trust-anchors",
}
FACTS = [
    ("verdict", "check exits 0 <=> TLS works on the cf in force and on the cf the next rebuild "
     "from the mc gives"),
    ("in_force", "TLS works on the cf in force: STARTTLS offered, no TLS file refused, a "
     "verifying peer accepts (check: no error but cf.stale)"),
    ("after_rebuild", "TLS works on the cf rebuilt from the mc (check: after_rebuild has no "
     "error)"),
    ("starttls", "STARTTLS offered in the EHLO reply"),
    ("peer_accepts", "STARTTLS offered and a peer verifying with the public roots accepts the chain"),
    ("file_refused", "sendmail refuses a TLS file (server or client side; logged)"),
    ("own_verify", "as a client, sendmail logs verify=OK for a public peer"),
    ("large_ca_list", "more than 20 acceptable client CA names are sent"),
]


def predict_one(fs, s):
    """The facts one list of findings predicts for the cf it judges (settings s)."""
    client_only = ({s.get(k) for k in ("client_cert", "client_key")} -
                   {s.get(k) for k in ("server_cert", "server_key")} - {None, ""})

    def server_side(f):  # findings on the client's own cert/key do not touch the server
        if f["id"] == "key.mismatch" and not s.get("client_cert") and s.get("client_key") and \
                f.get("file") == s.get("client_key"):
            return False  # ClientKeyFile without ClientCertFile (even the server's key file)
        return f["id"] == "mc.no-tls" or f.get("file") not in client_only

    fs = [f for f in fs if f.get("severity") != "ok"]
    errors = [f for f in fs if f["severity"] == "error"]
    tls = not any(f["id"] in NO_TLS and server_side(f) for f in errors)
    # chain.expired-ca is a warning when peers with the public roots still accept the chain
    accepts = tls and not any(f["id"] in PEER_REJECTS and server_side(f) and not (
        f["id"] == "chain.expired-ca" and f["severity"] != "error") for f in fs)
    refused = any(f["id"] in REFUSED for f in errors)
    # a cf that sets neither trust location gets mc.no-tls naming both: no trust anchors
    own = not any(f["id"] in OWN_FAIL and f["severity"] != "info" for f in fs) and \
        bool(s.get("ca_cert") or s.get("ca_path"))
    large = tls and any(f["id"] == "store.cacert-large" for f in fs)
    works = not any(f["id"] != "cf.stale" for f in errors)
    return {"works": works, "starttls": tls, "peer_accepts": accepts,
            "file_refused": refused, "own_verify": own, "large_ca_list": large}


def predict(doc, rc):
    """Map `smtls check --json` (and its exit status) to the facts: the findings of the cf in
    force for what sendmail does now, after_rebuild's for the cf the mc gives."""
    s = doc.get("settings", {})
    now = predict_one(doc.get("findings", []), s)
    ar = doc.get("after_rebuild")
    later = predict_one(ar["findings"], s)["works"] if ar else now["works"]
    facts = {"verdict": rc == 0, "in_force": now.pop("works"), "after_rebuild": later}
    facts.update(now)
    return facts


REFUSAL_MARKS = ("unsafe:", "_file(", "check_private_key failed", "load verify locs", "too small",
                 "md too weak")


def works(o):
    """TLS works: STARTTLS offered, no TLS file refused, and a verifying peer accepts the chain:
    one with the public roots, or, when the chain served ends at a self-signed root that is not
    public (a self-signed certificate, a private CA), one that was given that root"""
    return o["starttls"] and (o["verify_ok"] or o.get("private_ok", False)) and not o["refused"]


def observe_facts(o, rebuilt):
    """o: the daemon on the cf in force; rebuilt: on the cf rebuilt from the mc (or o itself)"""
    return {"verdict": works(o) and works(rebuilt), "in_force": works(o),
            "after_rebuild": works(rebuilt),
            "starttls": o["starttls"], "peer_accepts": o["starttls"] and o["verify_ok"],
            "file_refused": bool(o["refused"]), "own_verify": o["client_verify"] == "OK",
            "large_ca_list": o["starttls"] and o["ca_names"] > 20}


# ---------------------------------------------------------------------------------------
# Helpers

def sh(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kw)


def ns(host, *cmd):
    """the command in a private UTS namespace with a dotted host name"""
    return ["unshare", "--uts", "sh", "-c", 'hostname "$0" && exec "$@"', host, *cmd]


def gt(t):
    return t.strftime("%Y%m%d%H%M%SZ")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listening(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


# ---------------------------------------------------------------------------------------
# The PKI, made once per run

EXT = """[root]
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
subjectAltName = DNS:mail.test.example,IP:127.0.0.1
[sink]
basicConstraints = CA:false
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth,clientAuth
subjectAltName = DNS:sink.test.example,IP:127.0.0.1
"""
CA_CNF = """[ca]
default_ca = d
[d]
dir = .
database = ./index.txt
new_certs_dir = ./newcerts
serial = ./serial
default_md = sha256
policy = p
unique_subject = no
copy_extensions = none
email_in_dn = no
[p]
commonName = supplied
organizationName = optional
"""


def make_pki(d, now):
    """Roots, intermediates and leaves, validity relative to NOW (the real clock):
    x1 (the public root peers trust) -> r3 -> leaves; r3-expired (r3's name and key, expired);
    x3 (an old root, expired) cross-signs x1 (x1-cross, expired): the DST Root CA X3 pattern;
    unrel (an unrelated private CA) -> leaf-unrel; a self-signed leaf; the sink's leaf."""
    os.makedirs(d + "/newcerts")
    with open(d + "/ext.cnf", "w") as f:
        f.write(EXT)
    with open(d + "/ca.cnf", "w") as f:
        f.write(CA_CNF)
    open(d + "/index.txt", "w").close()
    with open(d + "/serial", "w") as f:
        f.write("1000\n")

    def o(*a, **kw):
        r = sh(["openssl", *a], cwd=d, **kw)
        if r.returncode:
            raise RuntimeError("openssl %s: %s" % (" ".join(a), r.stdout))

    def key(name, kind="ec"):
        if kind == "ec":
            o("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", name + ".key")
        else:
            o("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:" + kind[3:], "-out", name + ".key")

    def sign(name, subj, ca, start, end, ext, md="sha256", keyname=None):
        k = (keyname or name) + ".key"
        o("req", "-new", "-key", k, "-subj", subj, "-out", name + ".csr")
        base = ["ca", "-batch", "-config", "ca.cnf", "-in", name + ".csr", "-out", name + ".pem",
                "-startdate", gt(now + timedelta(days=start)), "-enddate", gt(now + timedelta(days=end)),
                "-extfile", "ext.cnf", "-extensions", ext, "-md", md, "-notext"]
        if ca == "self":
            o(*base, "-selfsign", "-keyfile", k)
        else:
            o(*base, "-cert", ca + ".pem", "-keyfile", ca + ".key")
        os.unlink(d + "/" + name + ".csr")

    key("x1")
    sign("x1", "/O=Oracle Public/CN=Oracle Root X1", "self", -800, 3650, "root")
    key("r3")
    sign("r3", "/O=Oracle Public/CN=Oracle R3", "x1", -400, 1500, "int")
    sign("r3-expired", "/O=Oracle Public/CN=Oracle R3", "x1", -1200, -30, "int", keyname="r3")
    key("x3")
    sign("x3", "/O=Oracle Old Trust/CN=Oracle Old Root X3", "self", -4000, -60, "root")
    sign("x1-cross", "/O=Oracle Public/CN=Oracle Root X1", "x3", -1000, -20, "root", keyname="x1")
    key("unrel")
    sign("unrel", "/O=Unrelated/CN=Unrelated Root CA", "self", -300, 3000, "root")
    leaf = "/O=Oracle Test/CN=" + FQDN
    for name, kind, ca, start, end, md in (
            ("leaf-ec", "ec", "r3", -10, 80, "sha256"),
            ("leaf-rsa", "rsa2048", "r3", -10, 80, "sha256"),
            ("leaf-rsa1024", "rsa1024", "r3", -10, 80, "sha256"),
            ("leaf-sha1", "ec", "r3", -10, 80, "sha1"),
            ("leaf-expired", "ec", "r3", -100, -10, "sha256"),
            ("leaf-notyet", "ec", "r3", 10, 100, "sha256"),
            ("leaf-expiring", "ec", "r3", -85, 5, "sha256"),
            ("leaf-self", "ec", "self", -10, 80, "sha256"),
            ("leaf-unrel", "ec", "unrel", -10, 80, "sha256"),
            ("leaf-client", "ec", "r3", -10, 80, "sha256")):
        key(name, kind)
        sign(name, leaf, ca, start, end, "leaf", md)
    key("sink")
    sign("sink", "/O=Oracle Public/CN=" + SINK_FQDN, "r3", -10, 80, "sink")
    key("other")
    o("pkey", "-in", "leaf-ec.key", "-out", "leaf-ec-enc.key", "-aes256", "-passout", "pass:secret")
    o("x509", "-in", "leaf-ec.pem", "-outform", "DER", "-out", "leaf-ec.der")
    o("pkey", "-in", "leaf-ec.key", "-outform", "DER", "-out", "leaf-ec-key.der")
    with open(d + "/garbage.bin", "wb") as f:
        f.write(random.Random(7).randbytes(2048))
    for fn in os.listdir(d):
        if fn.endswith(".key"):
            os.chmod(d + "/" + fn, 0o600)
    cat(d, "public.pem", "x1.pem")
    # the sink's trust store: a hashed directory holding the public root
    os.makedirs(d + "/sink-capath")
    shutil.copy(d + "/x1.pem", d + "/sink-capath/x1.pem")
    o("rehash", "sink-capath")
    shutil.rmtree(d + "/newcerts")


def cat(d, out, *ins):
    with open(os.path.join(d, out), "wb") as f:
        for i in ins:
            with open(os.path.join(d, i), "rb") as g:
                f.write(g.read())


# ---------------------------------------------------------------------------------------
# The generator: a good base setup plus 0-3 mutations, drawn from random.Random(seed:index)

# contents: name -> the PKI files to concatenate (a key content lists the key file)
SERVER_CERTS = {
    "leaf-ec": ["leaf-ec.pem"], "leaf-rsa2048": ["leaf-rsa.pem"],
    "fullchain": ["leaf-ec.pem", "r3.pem"], "chain-only": ["r3.pem"],
    "leaf-rsa1024": ["leaf-rsa1024.pem"], "leaf-sha1": ["leaf-sha1.pem"],
    "leaf-expired": ["leaf-expired.pem"], "leaf-notyet": ["leaf-notyet.pem"],
    "leaf-expiring": ["leaf-expiring.pem"], "self-signed": ["leaf-self.pem"],
    "leaf-unrelated-ca": ["leaf-unrel.pem"], "der": ["leaf-ec.der"], "a-key": ["leaf-ec.key"],
    "garbage": ["garbage.bin"],
}
CERT_KEY = {"leaf-ec": "leaf-ec", "leaf-rsa2048": "leaf-rsa", "fullchain": "leaf-ec",
            "chain-only": "r3", "leaf-rsa1024": "leaf-rsa1024", "leaf-sha1": "leaf-sha1",
            "leaf-expired": "leaf-expired", "leaf-notyet": "leaf-notyet",
            "leaf-expiring": "leaf-expiring", "self-signed": "leaf-self",
            "leaf-unrelated-ca": "leaf-unrel", "der": "leaf-ec", "a-key": "leaf-ec",
            "garbage": "leaf-ec"}
KEYS = ["matching", "other", "encrypted", "der", "a-cert", "garbage"]
CACERTS = {
    "issuer": ["r3.pem"], "issuer+root": ["r3.pem", "x1.pem"], "root-only": ["x1.pem"],
    "system-bundle": None, "unrelated-ca": ["unrel.pem"],
    "long-chain-expired-cross": ["r3.pem", "x1-cross.pem"],
    "expired-issuer": ["r3-expired.pem"], "a-key": ["r3.key"], "der": None, "garbage": ["garbage.bin"],
}
CAPATHS = ["hashed", "unhashed", "missing", "hashed+expired-root", "system", "empty",
           "hashed-unrelated"]
PLACES = ["ok", "missing", "directory", "group-readable", "world-readable", "group-writable-file",
          "group-writable-dir", "world-writable-dir", "sticky-dir", "symlink", "symlink-dangling"]
DEFINES = ["set", "absent", "dnl", "hash"]
DBS = ["", "TrustStickyBit", "GroupReadableKeyFile", "TrustStickyBit,GroupReadableKeyFile"]
CFS = ["fresh", "stale-no-tls", "stale-other-files"]
ROLES = ["scert", "skey", "ccert", "ckey", "cafile", "capath"]
MACRO = {"scert": "confSERVER_CERT", "skey": "confSERVER_KEY", "ccert": "confCLIENT_CERT",
         "ckey": "confCLIENT_KEY", "cafile": "confCACERT", "capath": "confCACERT_PATH"}


def base_setup():
    return {"scert": "leaf-ec", "skey": "matching", "client": "same-as-server",
            "ccert": "leaf-client", "ckey": "matching", "cafile": "issuer", "capath": "hashed",
            "place": {r: "ok" for r in ROLES}, "define": {r: "set" for r in ROLES},
            "dbs": "", "cf": "fresh"}


def mutate(s, r):
    kind = r.choice(["scert", "scert", "skey", "skey", "cafile", "cafile", "capath", "capath",
                     "client", "place", "place", "place", "define", "dbs", "cf"])
    if kind == "scert":
        s["scert"] = r.choice(sorted(SERVER_CERTS))
    elif kind == "skey":
        s["skey"] = r.choice(KEYS)
    elif kind == "cafile":
        s["cafile"] = r.choice(sorted(CACERTS))
    elif kind == "capath":
        s["capath"] = r.choice(CAPATHS)
    elif kind == "client":
        s["client"] = r.choice(["same-as-server", "own", "none"])
        if s["client"] == "own":
            s["ccert"] = r.choice(["leaf-client", "leaf-expired", "leaf-rsa1024", "a-key"])
            s["ckey"] = r.choice(["matching", "matching", "other", "encrypted"])
    elif kind == "place":
        role = r.choice(ROLES)
        if role in ("ccert", "ckey"):  # the client's own files, so that the place matters
            s["client"] = "own"
        s["place"][role] = r.choice(PLACES if role != "capath" else
                                    ["missing", "group-writable-dir", "world-writable-dir",
                                     "sticky-dir", "symlink", "a-file"])
    elif kind == "define":
        role = r.choice(ROLES)
        if role in ("ccert", "ckey") and s["client"] == "none":
            s["client"] = "same-as-server"
        s["define"][role] = r.choice(DEFINES[1:])
    elif kind == "dbs":
        s["dbs"] = r.choice(DBS[1:])
    else:
        s["cf"] = r.choice(CFS[1:])


def gen_setup(seed, i):
    r = random.Random("%s:%d" % (seed, i))
    s = base_setup()
    for _ in range(r.choices([0, 1, 2, 3], [15, 45, 28, 12])[0]):
        mutate(s, r)
    # a cert that is a key, or a key that is a cert, is enough of a place to put it: keep it
    s["id"] = "%s-%03d" % (seed, i)
    return s


def describe(s):
    b = base_setup()
    parts = []
    for k in ("scert", "skey", "cafile", "capath", "dbs", "cf", "client"):
        if s[k] != b[k]:
            parts.append("%s=%s" % (k, s[k] or "none"))
    if s["client"] == "own":
        parts.append("ccert=%s ckey=%s" % (s["ccert"], s["ckey"]))
    for r in ROLES:
        if s["place"][r] != "ok":
            parts.append("%s@%s" % (r, s["place"][r]))
        if s["define"][r] != "set":
            parts.append("%s:%s" % (r, s["define"][r]))
    return " ".join(parts) or "good base setup"


# ---------------------------------------------------------------------------------------
# Building a setup's files and mc

UNSAFE_DIRS = {"group-writable-dir": ("gw", 0o775), "world-writable-dir": ("ww", 0o777),
               "sticky-dir": ("sticky", 0o1777)}


def place_dir(sd, place):
    """the directory a file placed as PLACE lives in (made, with its mode)"""
    if place not in UNSAFE_DIRS:
        return os.path.join(sd, "tls")
    sub, mode = UNSAFE_DIRS[place]
    d = os.path.join(sd, sub)
    os.makedirs(d, exist_ok=True)
    os.chmod(d, mode)
    return d


def place_file(sd, name, content, mode, place):
    """Write CONTENT (bytes) as NAME placed as PLACE below the setup dir; returns the
    path the define names."""
    d = place_dir(sd, place)
    path = os.path.join(d, name)
    if place == "missing":
        return path
    if place == "directory":
        os.makedirs(path)
        return path
    target = path
    if place in ("symlink", "symlink-dangling"):
        target = os.path.join(sd, "real", name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        os.symlink(os.path.relpath(target, d), path)
        if place == "symlink-dangling":
            return path
    with open(target, "wb") as f:
        f.write(content)
    m = {"group-readable": 0o640, "world-readable": 0o644,
         "group-writable-file": mode | 0o664}.get(place, mode)
    os.chmod(target, m)
    return path


def read(pki, names):
    out = b""
    for n in names:
        with open(os.path.join(pki, n), "rb") as f:
            out += f.read()
    return out


def build_files(s, sd, pki):
    """the setup's TLS files in SD; returns {role: path}"""
    os.makedirs(os.path.join(sd, "tls"))
    paths = {}
    sc = s["scert"]
    paths["scert"] = place_file(sd, "cert.pem", read(pki, SERVER_CERTS[sc]), 0o644,
                                s["place"]["scert"])
    k = CERT_KEY[sc]
    keyfiles = {"matching": k + ".key", "other": "other.key", "encrypted": "leaf-ec-enc.key",
                "der": "leaf-ec-key.der", "a-cert": "leaf-ec.pem", "garbage": "garbage.bin"}
    paths["skey"] = place_file(sd, "key.pem", read(pki, [keyfiles[s["skey"]]]), 0o600,
                               s["place"]["skey"])
    if s["client"] == "same-as-server":
        paths["ccert"], paths["ckey"] = paths["scert"], paths["skey"]
    elif s["client"] == "own":
        cc = {"leaf-client": "leaf-client", "leaf-expired": "leaf-expired",
              "leaf-rsa1024": "leaf-rsa1024", "a-key": "leaf-client"}[s["ccert"]]
        cfile = cc + (".key" if s["ccert"] == "a-key" else ".pem")
        paths["ccert"] = place_file(sd, "client.pem", read(pki, [cfile]), 0o644,
                                    s["place"]["ccert"])
        kf = {"matching": cc + ".key", "other": "other.key", "encrypted": "leaf-ec-enc.key"}[s["ckey"]]
        paths["ckey"] = place_file(sd, "client.key", read(pki, [kf]), 0o600,
                                   s["place"]["ckey"])
    ca = s["cafile"]
    if ca == "system-bundle" and s["place"]["cafile"] == "ok":
        paths["cafile"] = SYS_BUNDLE
    else:
        if ca == "system-bundle":
            content = read("/", [SYS_BUNDLE[1:]])
        elif ca == "der":
            content = subprocess.run(["openssl", "x509", "-in", pki + "/r3.pem", "-outform", "DER"],
                                     stdout=subprocess.PIPE, check=True).stdout
        else:
            content = read(pki, CACERTS[ca])
        paths["cafile"] = place_file(sd, "cacert.pem", content,
                                     0o600 if ca == "a-key" else 0o644, s["place"]["cafile"])
    cp = s["capath"]
    place = s["place"]["capath"]
    if cp == "system" and place == "ok":
        paths["capath"] = SYS_DIR
    else:
        parent = place_dir(sd, place)
        path = os.path.join(parent, "capath")
        paths["capath"] = path
        if cp == "missing" or place == "missing":
            pass
        elif cp == "system":   # a symlink or other place: a link to the system directory
            os.symlink(SYS_DIR, path)
        else:
            real = os.path.join(sd, "real", "capath") if place == "symlink" else path
            os.makedirs(real)
            files = {"hashed": ["x1.pem"], "unhashed": ["x1.pem"], "empty": [],
                     "hashed+expired-root": ["x1.pem", "x3.pem"],
                     "hashed-unrelated": ["unrel.pem"]}[cp]
            for fn in files:
                shutil.copy(os.path.join(pki, fn), real)
            if cp != "unhashed" and files:
                subprocess.run(["openssl", "rehash", real], check=True)
            if place == "symlink":
                os.symlink(os.path.relpath(real, parent), path)
            elif place == "a-file":  # a file where the directory belongs
                shutil.rmtree(path)
                shutil.copy(os.path.join(pki, "x1.pem"), path)
    return paths


MC_HEAD = """divert(-1)dnl
include(`{cfdir}/m4/cf.m4')dnl
divert(0)dnl
OSTYPE(`linux')dnl
DOMAIN(`generic')dnl
FEATURE(`no_default_msa')dnl
FEATURE(`accept_unresolvable_domains')dnl
FEATURE(`local_procmail', `{run}/deliver', `deliver $u')dnl
define(`confDOMAIN_NAME', `{fqdn}')dnl
define(`confCW_FILE', `{run}/{cw}')dnl
define(`QUEUE_DIR', `{d}/mqueue')dnl
define(`confPID_FILE', `{d}/sendmail.pid')dnl
define(`STATUS_FILE', `{d}/statistics')dnl
define(`ALIAS_FILE', `{run}/aliases')dnl
define(`confDEAD_LETTER_DROP', `{d}/dead.letter')dnl
define(`confSERVICE_SWITCH_FILE', `{run}/switch')dnl
define(`confDONT_PROBE_INTERFACES', `True')dnl
define(`confLOG_LEVEL', `14')dnl
define(`confTO_STARTTLS', `30s')dnl
define(`SMART_HOST', `[127.0.0.1]')dnl
define(`RELAY_MAILER_ARGS', `TCP $h {sink}')dnl
DAEMON_OPTIONS(`Port={port}, Addr=127.0.0.1, Name=MTA')dnl
"""


def mc_text(d, run, port, sink, fqdn, cw, tls_lines, dbs):
    t = MC_HEAD.format(cfdir=CF_DIR, run=run, d=d, port=port, sink=sink, fqdn=fqdn, cw=cw)
    if dbs:
        t += "define(`confDONT_BLAME_SENDMAIL', `%s')dnl\n" % dbs
    t += "".join(tls_lines)
    return t + "MAILER(`local')dnl\nMAILER(`smtp')dnl\n"


def tls_lines(s, paths):
    out = []
    for r in ROLES:
        if r not in paths:
            continue
        line = "define(`%s', `%s')dnl\n" % (MACRO[r], paths[r])
        how = s["define"][r]
        if how == "absent":
            continue
        out.append({"set": line, "dnl": "dnl " + line, "hash": "#" + line}[how])
    return out


def m4(mc, cf):
    with open(cf, "w") as out:
        r = subprocess.run(["m4", mc], stdout=out, stderr=subprocess.PIPE, text=True)
    if r.returncode or r.stderr.strip():
        raise RuntimeError("m4 %s: %s" % (mc, r.stderr))


# ---------------------------------------------------------------------------------------
# Running sendmail

def ours(pid, d):
    try:
        return (os.readlink("/proc/%d/exe" % pid) == SM_BIN and
                os.readlink("/proc/%d/cwd" % pid).startswith(d + "/"))
    except OSError:
        return False


def sm_start(cf, d, fqdn, port, log):
    open(log, "w").close()
    subprocess.run(ns(fqdn, SM_BIN, "-C", cf, "-D", log, "-d89.8", "-bd"),
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
    for _ in range(600):
        if listening(port):
            break
        time.sleep(0.05)
    pid = None
    for _ in range(40):
        try:
            with open(d + "/sendmail.pid") as f:
                pid = int(f.readline())
            break
        except (OSError, ValueError):
            time.sleep(0.05)
    return pid


def sm_stop(pid, d):
    if pid is None:
        try:
            with open(d + "/sendmail.pid") as f:
                pid = int(f.readline())
        except (OSError, ValueError):
            return
    if not ours(pid, d):
        return
    os.kill(pid, signal.SIGTERM)
    for _ in range(100):
        if not ours(pid, d):
            return
        time.sleep(0.05)
    if ours(pid, d):
        os.kill(pid, signal.SIGKILL)


def ehlo_starttls(port):
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=30) as c:
            c.ehlo("probe.test.example")
            return c.has_extn("starttls")
    except (OSError, smtplib.SMTPException):
        return False


def cn(dn):
    m = re.search(r"CN ?= ?([^,/]+)", dn)
    return m.group(1).strip() if m else dn.strip()


def s_client(port, roots, *extra):
    try:
        r = subprocess.run(["openssl", "s_client", "-starttls", "smtp", "-connect",
                            "127.0.0.1:%d" % port, "-showcerts", "-CAfile", roots,
                            "-servername", FQDN, *extra], stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=40)
        out = r.stdout.decode("utf-8", "replace")
    except subprocess.TimeoutExpired:
        return {"verify_ok": False, "verify": "timeout", "chain": [], "ca_names": 0, "pems": []}
    code = None
    chain, names, in_names = [], 0, False
    pems = re.findall(r"-----BEGIN CERTIFICATE-----\n.*?-----END CERTIFICATE-----\n", out, re.S)
    for line in out.splitlines():
        st = line.strip()
        if st.startswith("Verify return code:"):
            code = st[len("Verify return code:"):].strip()
        m = re.match(r"\s*\d+ s:(.*)", line)
        if m:
            chain.append(cn(m.group(1)))
        m = re.match(r"\s+i:(.*)", line)
        if m and chain:  # "CN (by issuer CN)" when a certificate is not self-signed
            if cn(m.group(1)) != chain[-1]:
                chain[-1] += " (by %s)" % cn(m.group(1))
        if st.startswith("Acceptable client certificate CA names"):
            in_names = True
            continue
        if in_names:
            if st.startswith(("Requested Signature", "Client Certificate Types", "Shared Requested",
                              "Peer signing", "Peer signature", "---", "No client certificate")):
                in_names = False
            elif st:
                names += 1
    return {"verify_ok": code is not None and code.startswith("0 "), "rc": r.returncode,
            "verify": code or "no handshake", "chain": chain, "ca_names": names, "pems": pems}


def private_root(pems, public):
    """the self-signed certificate at the end of the chain served, when it is not a public root"""
    if not pems:
        return None
    last = pems[-1]
    with open(public) as f:
        if last in f.read():
            return None
    subj = subprocess.run(["openssl", "x509", "-noout", "-subject", "-issuer", "-nameopt",
                           "RFC2253"], input=last, stdout=subprocess.PIPE, text=True).stdout
    names = [l.split("=", 1)[1] for l in subj.splitlines() if "=" in l]
    return last if len(names) == 2 and names[0] == names[1] else None


# ---------------------------------------------------------------------------------------

class Runner:
    def __init__(self, base, pki, smtls, sink_port, sink_log):
        self.base, self.pki, self.smtls = base, pki, smtls
        self.sink_port, self.sink_log = sink_port, sink_log
        self.run_dir = os.path.join(base, "run")

    def observe(self, cf, sd, port, tag):
        """the real sendmail on CF: as a server (EHLO, s_client with the public roots, and with
        a private root the chain ends at), then as a client delivering to the sink"""
        obs = {}
        log = sd + "/server%s.log" % tag
        pid = sm_start(cf, sd, FQDN, port, log)
        try:
            if pid is None and not listening(port):
                obs.update(build="daemon did not start", starttls=False, verify_ok=False, verify="no daemon", chain=[], ca_names=0)
            else:
                obs["starttls"] = ehlo_starttls(port)
                obs.update(s_client(port, self.pki + "/public.pem") if obs["starttls"] else
                           {"verify_ok": False, "verify": "no STARTTLS", "chain": [], "ca_names": 0})
                root = None if obs["verify_ok"] else private_root(obs.get("pems"),
                                                                  self.pki + "/public.pem")
                if root:  # a peer that was given our private root (and has the public ones)
                    trusted = sd + "/private-root%s.pem" % tag
                    with open(trusted, "w") as f:
                        f.write(root)
                        with open(self.pki + "/public.pem") as g:
                            f.write(g.read())
                    v = s_client(port, trusted, "-verify_return_error")
                    obs["private_verify"] = v["verify"]
                    obs["private_ok"] = v["verify_ok"] and v["rc"] == 0
        finally:
            sm_stop(pid, sd)
        obs.pop("pems", None)
        # the client, delivering to the sink
        clog = sd + "/client%s.log" % tag
        try:
            subprocess.run(ns("client.test.example", SM_BIN, "-C", cf, "-D", clog, "-d89.8", "-odi",
                              "-oi", "-f", "oracle@" + FQDN, "root@" + SINK_FQDN),
                           input=b"Subject: oracle\n\nhello\n", stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, timeout=90)
        except subprocess.TimeoutExpired:
            pass
        obs["client_verify"] = "none"
        for line in open(clog, errors="replace") if os.path.exists(clog) else []:
            if "STARTTLS=client, relay=" in line and "verify=" in line:
                obs["client_verify"] = line.split("verify=", 1)[1].split(",")[0].strip()
        obs["log"] = tls_log(log, sd) + tls_log(clog, sd)
        obs["refused"] = [line for p in (log, clog) if os.path.exists(p)
                          for line in open(p, errors="replace")
                          if "STARTTLS" in line and any(m in line for m in REFUSAL_MARKS)]
        return obs

    def run(self, s):
        sd = os.path.join(self.base, "s", s["id"])
        os.makedirs(sd)
        os.chmod(sd, 0o755)
        os.makedirs(sd + "/mqueue", mode=0o700)
        paths = build_files(s, sd, self.pki)
        port = free_port()
        mc = mc_text(sd, self.run_dir, port, self.sink_port, FQDN, "cw", tls_lines(s, paths), s["dbs"])
        with open(sd + "/sendmail.mc", "w") as f:
            f.write(mc)
        cf = sd + "/sendmail.cf"
        if s["cf"] == "fresh":
            m4(sd + "/sendmail.mc", cf)
        else:
            if s["cf"] == "stale-no-tls":
                lines = []
            else:  # the cf was built from the good base files, the mc names this setup's
                good = base_setup()
                good_paths = build_files(good, sd + "/old", self.pki)
                lines = tls_lines(good, good_paths)
            with open(sd + "/old.mc", "w") as f:
                f.write(mc_text(sd, self.run_dir, port, self.sink_port, FQDN, "cw", lines, s["dbs"]))
            m4(sd + "/old.mc", cf)
        now = datetime.now(timezone.utc).replace(microsecond=0)
        at = now.strftime("%Y-%m-%dT%H:%M:%SZ")
        # the prediction
        r = subprocess.run([self.smtls, "check", "--json", "--mc", sd + "/sendmail.mc", "--cf", cf,
                            "--public-roots", self.pki + "/public.pem", "--at", at,
                            "--hostname", FQDN, "--sendmail", "/usr/sbin/sendmail"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=120)
        try:
            doc = json.loads(r.stdout)
        except ValueError:
            doc = {"findings": [{"id": "oracle.no-json", "severity": "error", "file": None,
                                 "message": r.stderr.strip()}]}
        pred = predict(doc, r.returncode)
        obs = self.observe(cf, sd, port, "")
        if s["cf"] == "fresh":
            rebuilt = obs
        else:  # the second observation: the cf the next rebuild from the mc gives
            m4(sd + "/sendmail.mc", sd + "/rebuilt.cf")
            rebuilt = self.observe(sd + "/rebuilt.cf", sd, port, "-rebuilt")
            obs["rebuilt"] = rebuilt
        fact = observe_facts(obs, rebuilt)
        names = lambda fs: ["%s:%s%s" % (f["severity"][0].upper(), f["id"],
                                         "(%s)" % short(f.get("file"), sd) if f.get("file") else "")
                            for f in fs if f.get("severity") != "ok"]
        res = {"setup": s, "desc": describe(s), "pred": pred, "obs": fact, "raw": obs,
               "check_rc": r.returncode, "findings": names(doc.get("findings", [])),
               "check_stderr": r.stderr.strip()[-500:]}
        if s["cf"] != "fresh" and doc.get("after_rebuild"):
            res["findings_rebuilt"] = names(doc["after_rebuild"]["findings"])
        return res


def short(p, sd):
    return p.replace(sd + "/", "") if p else p


def tls_log(path, sd):
    """the log lines that tell what sendmail did with TLS, paths relative to the setup"""
    out = []
    if not os.path.exists(path):
        return out
    for line in open(path, errors="replace"):
        if "STARTTLS" not in line or "CRLFile missing" in line or "SSL_shutdown" in line:
            continue
        if re.search(r": error:[0-9A-F]{8}:", line):  # OpenSSL's error stack under a line
            continue
        if any(w in line for w in ("error", "unsafe", "failed", "missing", "verify=", "too small")):
            line = line.strip().replace(sd + "/", "")
            out.append(re.sub(r"^\d+ +[0-9:.]+ +", "", line)[:220])
    return out[:12]


def start_sink(base, pki, port):
    """a real sendmail that serves a chain from the public root (sink leaf + r3), so that each
    setup's sendmail, as a client, verifies a public peer"""
    d = os.path.join(base, "sink")
    run = os.path.join(base, "run")
    os.makedirs(d + "/mqueue", mode=0o700)
    lines = ["define(`confSERVER_CERT', `%s/sink.pem')dnl\n" % pki,
             "define(`confSERVER_KEY', `%s/sink.key')dnl\n" % pki,
             "define(`confCACERT', `%s/r3.pem')dnl\n" % pki,
             "define(`confCACERT_PATH', `%s/sink-capath')dnl\n" % pki]
    with open(d + "/sendmail.mc", "w") as f:
        f.write(mc_text(d, run, port, 0, SINK_FQDN, "sink-cw", lines, ""))
    m4(d + "/sendmail.mc", d + "/sendmail.cf")
    pid = sm_start(d + "/sendmail.cf", d, SINK_FQDN, port, d + "/log")
    if pid is None:
        raise RuntimeError("the sink sendmail did not start: " + open(d + "/log").read()[-500:])
    with open(d + "/log") as f:
        if "STARTTLS=server, init=1" not in f.read():
            raise RuntimeError("the sink sendmail has no TLS")
    return pid, d


def prepare_run(base):
    run = os.path.join(base, "run")
    os.makedirs(run)
    open(run + "/aliases", "w").close()
    with open(run + "/cw", "w") as f:
        f.write("test.example\n")
    with open(run + "/sink-cw", "w") as f:
        f.write(SINK_FQDN + "\n")
    with open(run + "/switch", "w") as f:
        f.write("hosts\tfiles\naliases\tfiles\n")
    os.makedirs(run + "/inbox")
    with open(run + "/deliver", "w") as f:
        f.write("#!/bin/sh\nfor a; do u=$a; done; cat > %s/inbox/$u.$$\n" % run)
    os.chmod(run + "/deliver", 0o755)
    # the aliases database, once
    tmp = os.path.join(base, "aliases-build")
    os.makedirs(tmp + "/mqueue", mode=0o700)
    with open(tmp + "/a.mc", "w") as f:
        f.write(mc_text(tmp, run, 0, 0, FQDN, "cw", [], ""))
    m4(tmp + "/a.mc", tmp + "/a.cf")
    subprocess.run(ns("build.test.example", SM_BIN, "-C", tmp + "/a.cf", "-bi"),
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)


# ---------------------------------------------------------------------------------------
# The report

# Known causes of disagreement, so that the report groups them. The flag says whether the cause
# was reported before the oracle existed (True) or found by the oracle (False); a cause stays
# listed after its fix, so that a regression is grouped under its old name.
CAUSES = [
    ("cf-in-force", True, "the cf in force differs from the mc: check judges the mc"),
    ("cafile-without-capath", True, "CACertFile set without CACertPath: sendmail offers no STARTTLS"),
    ("long-chain-own-verify", True, "the old long chain (expired cross-sign) as CACertFile: own verify=FAIL"),
    ("capath-severity", True, "unhashed or missing CACertPath reported as an error though TLS works"),
    ("capath-dir-safety", False, "CACertPath below a group/world-writable directory: check says "
     "file.unsafe (error), sendmail does not check the directory and offers STARTTLS"),
    ("cross-sign-served", False, "the expired cross-sign in CACertFile: sendmail serves it and check "
     "says chain.expired-ca (error), but a verifying OpenSSL 3 peer stops at the root it trusts "
     "and accepts (only old clients fail)"),
    ("expired-issuer-own-verify", False, "an expired copy of our issuer in CACertFile: sendmail's own "
     "verification of peers under that issuer fails (verify=FAIL), check predicts nothing"),
    ("no-trust-anchors", False, "CACertFile or CACertPath unset, or CACertFile unloadable (missing, "
     "directory, DER, garbage): sendmail loads no trust anchors (verify=FAIL for every peer), "
     "check has no own-verification finding"),
    ("capath-not-a-directory", False, "a file where the CACertPath directory belongs: check says "
     "file.unreadable (error), sendmail offers STARTTLS (only its own verification fails)"),
    ("client-key-alone", False, "ClientKeyFile without ClientCertFile: sendmail logs "
     "SSL_CTX_check_private_key failed, check says nothing"),
    ("untrusted-but-exit-0", False, "a self-signed leaf or a private CA: check exits 0 "
     "(chain.untrusted is info), but the peer given our private root rejects the chain"),
    ("rebuild-verdict", False, "a stale cf: check's verdict of the cf the next rebuild gives "
     "(after_rebuild) is not what the daemon does on that cf"),
    ("unhashed-capath-root-in-cafile", False, "an unhashed CACertPath with the public root in "
     "CACertFile: store.capath-unhashed says verify=FAIL, but CACertFile's root verifies peers"),
    ("key-without-cert-judged", False, "ServerKeyFile set without ServerCertFile: check judges "
     "the key (an error), sendmail never reads it"),
    ("unclassified", False, "not classified: read the setup"),
]


def cause(res, fact):
    s = res["setup"]
    d = s["define"]
    unset = lambda r: d[r] in ("absent", "dnl")
    own = fact == "own_verify"
    if s["cf"] != "fresh":
        return "rebuild-verdict" if fact == "after_rebuild" else "cf-in-force"
    if unset("capath") and not unset("cafile") and fact != "own_verify":
        return "cafile-without-capath"
    if own and (unset("cafile") or unset("capath") or s["cafile"] in ("der", "garbage", "a-key") or
                s["place"]["cafile"] in ("missing", "directory", "symlink-dangling")):
        return "no-trust-anchors"
    if s["cafile"] == "long-chain-expired-cross":
        return "long-chain-own-verify" if own else "cross-sign-served"
    if own and s["cafile"] == "expired-issuer":
        return "expired-issuer-own-verify"
    if not own and (s["capath"] in ("unhashed", "missing") or s["place"]["capath"] == "missing"):
        return "capath-severity"
    if not own and s["place"]["capath"] == "a-file" and s["capath"] not in ("system", "missing"):
        return "capath-not-a-directory"
    if not own and s["place"]["capath"] in ("group-writable-dir", "world-writable-dir", "sticky-dir"):
        return "capath-dir-safety"
    if fact in ("verdict", "file_refused") and unset("ccert") and not unset("ckey"):
        return "client-key-alone"
    if fact in ("verdict", "in_force") and s["scert"] in ("self-signed", "leaf-unrelated-ca"):
        return "untrusted-but-exit-0"
    if fact == "file_refused" and unset("scert") and not unset("skey"):
        return "key-without-cert-judged"
    if own and s["capath"] == "unhashed" and s["cafile"] in ("root-only", "issuer+root"):
        return "unhashed-capath-root-in-cafile"
    return "unclassified"


def report(results, out, seed, elapsed, xfail):
    p = lambda *a: print(*a, file=out)
    p("smtls check vs. the real sendmail: %d setups, seed %s, %.0f s" % (len(results), seed, elapsed))
    p("")
    for fact, what in FACTS:
        t = {(a, b): 0 for a in (True, False) for b in (True, False)}
        for res in results:
            t[(res["pred"][fact], res["obs"][fact])] += 1
        p("%s: %s" % (fact, what))
        p("                    observed yes  observed no")
        p("  predicted yes     %12d  %11d" % (t[(True, True)], t[(True, False)]))
        p("  predicted no      %12d  %11d" % (t[(False, True)], t[(False, False)]))
        p("")
    dis = [res for res in results if disagreements(res)]
    p("%d of %d setups disagree%s" % (len(dis), len(results), ":" if dis else "."))
    groups = {}
    for res in dis:
        for fact in disagreements(res):
            groups.setdefault(cause(res, fact), {}).setdefault(res["setup"]["id"], []).append(fact)
    for key, known, text in CAUSES:
        if key not in groups:
            continue
        p("")
        p("== %s (%s): %s" % (key, "reported before the oracle" if known else "found by the oracle",
                              text))
        p("   %d setups: %s" % (len(groups[key]), " ".join(sorted(groups[key]))))
    if dis:
        p("")
        p("Each disagreement:")
    for res in dis:
        sid = res["setup"]["id"]
        p("- %s%s: %s" % (sid, " (expected: %s)" % xfail[sid] if sid in xfail else "", res["desc"]))
        for fact in disagreements(res):
            p("    %s: check predicted %s, sendmail did %s [%s]" % (
                fact, "yes" if res["pred"][fact] else "no", "yes" if res["obs"][fact] else "no",
                cause(res, fact)))
        for what, raw in (("", res["raw"]), (" (rebuilt cf)", res["raw"].get("rebuilt"))):
            if raw is None:
                continue
            p("    observed%s: starttls=%s verify=%s%s chain=%s ca_names=%d client verify=%s" % (
                what, raw["starttls"], raw["verify"], " private-root verify=%s" %
                raw["private_verify"] if "private_verify" in raw else "", raw["chain"],
                raw["ca_names"], raw["client_verify"]))
            for line in raw["log"]:
                p("    log%s: %s" % (what, line))
        p("    check (exit %d): %s" % (res["check_rc"], " ".join(res["findings"]) or "no findings"))
        for line in res.get("check_stderr", "").splitlines():
            p("    check stderr: " + line)
        if "findings_rebuilt" in res:
            p("    check after_rebuild: %s" % (" ".join(res["findings_rebuilt"]) or "no findings"))


def disagreements(res):
    return [f for f, _ in FACTS if res["pred"][f] != res["obs"][f]]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", default="1")
    ap.add_argument("-n", type=int, default=500, help="number of setups (default 500)")
    ap.add_argument("-j", type=int, default=2, help="setups run at once (at most 2)")
    ap.add_argument("--smtls", default=os.environ.get("SMTLS", "./smtls"))
    ap.add_argument("--scratch", default=os.environ.get("SMTLS_SCRATCH", "/run/smtls-tests"))
    ap.add_argument("--only", help="comma-separated setup indexes to run")
    ap.add_argument("--add", action="append", default=[], metavar="SEED-INDEX",
                    help="also run this setup of another seed (e.g. 1-254)")
    ap.add_argument("--tap", action="store_true", help="TAP output: one test per setup")
    ap.add_argument("--xfail", action="append", default=[],
                    help="ID=REASON: a known disagreement (TAP # TODO)")
    ap.add_argument("--keep", action="store_true", help="keep the scratch directory")
    ap.add_argument("--list", action="store_true", help="print the setups and exit")
    ap.add_argument("--save", help="also write the results (JSON) to this file")
    ap.add_argument("--report-from", help="print the report of saved results, run nothing")
    a = ap.parse_args()
    jobs = max(1, min(a.j, 2))
    idx = [int(x) for x in a.only.split(",")] if a.only else list(range(a.n))
    setups = [gen_setup(a.seed, i) for i in idx]
    for sid in a.add:
        sd, _, si = sid.rpartition("-")
        setups.append(gen_setup(sd, int(si)))
    if a.list:
        for s in setups:
            print(s["id"], describe(s))
        return 0
    xfail = dict(x.split("=", 1) if "=" in x else (x, "known") for x in a.xfail)
    if a.report_from:
        with open(a.report_from) as f:
            saved = json.load(f)
        for res in saved["results"]:  # the setups as this version of the generator names them
            sd, _, si = res["setup"]["id"].rpartition("-")
            res["setup"] = gen_setup(sd, int(si))
            res["desc"] = describe(res["setup"])
        report(saved["results"], sys.stdout, saved["seed"], saved["elapsed"], xfail)
        return 1 if any(disagreements(r) and r["setup"]["id"] not in xfail
                        for r in saved["results"]) else 0
    smtls = os.path.abspath(a.smtls)
    os.makedirs(a.scratch, exist_ok=True)
    base = tempfile.mkdtemp(prefix="oracle.", dir=a.scratch)
    os.chmod(base, 0o755)
    t0 = time.time()
    sinks = []
    results = []
    try:
        pki = os.path.join(base, "pki")
        make_pki(pki, datetime.now(timezone.utc).replace(microsecond=0))
        prepare_run(base)
        runners = []
        for w in range(jobs):
            wb = os.path.join(base, "w%d" % w)
            os.makedirs(wb)
            os.symlink("../run", wb + "/run")
            port = free_port()
            pid, d = start_sink(wb, pki, port)
            sinks.append((pid, d))
            runners.append(Runner(wb, pki, smtls, port, d + "/log"))
        lock_free = list(runners)

        def one(s):
            r = lock_free.pop()
            try:
                return r.run(s)
            except Exception as e:  # a setup that cannot be built is reported, not skipped
                raise RuntimeError("%s (%s): %s" % (s["id"], describe(s), e)) from e
            finally:
                lock_free.append(r)
        with concurrent.futures.ThreadPoolExecutor(jobs) as ex:
            for n, res in enumerate(ex.map(one, setups), 1):
                results.append(res)
                if a.tap:
                    sid = res["setup"]["id"]
                    bad = disagreements(res)
                    todo = " # TODO %s" % xfail[sid] if sid in xfail else ""
                    print("%s %d - %s: %s%s" % ("not ok" if bad else "ok", n, sid, res["desc"], todo))
                    if bad:
                        print("# disagrees on %s" % ", ".join(bad))
                    sys.stdout.flush()
                elif n % 25 == 0:
                    print("# %d/%d setups, %.0f s" % (n, len(setups), time.time() - t0),
                          file=sys.stderr)
    finally:
        for pid, d in sinks:
            sm_stop(pid, d)
        if not a.keep:
            shutil.rmtree(base, ignore_errors=True)
        else:
            print("# kept " + base, file=sys.stderr)
    if a.save:
        with open(a.save, "w") as f:
            json.dump({"seed": a.seed, "elapsed": time.time() - t0, "results": results}, f)
    out = sys.stdout
    if a.tap:
        print("1..%d" % len(results))
        out = sys.stderr
    report(results, out, a.seed, time.time() - t0, xfail)
    if a.tap:
        return 0
    return 1 if any(disagreements(r) and r["setup"]["id"] not in xfail for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
