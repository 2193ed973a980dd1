#!/usr/bin/env python3
"""tests/fake-smtp.py: a small misbehaving SMTP server for the probe tests.

Usage: fake-smtp.py MODE ADDRESS PORTFILE [CERT KEY]
Listens on ADDRESS (127.0.0.1 or ::1 only) on a free port, writes the port to PORTFILE,
and answers every connection the way MODE says, until it is killed:
  good        multi-line 220 greeting, EHLO with STARTTLS, TLS with CERT/KEY
  nostarttls  EHLO reply without STARTTLS
  tempfail    454 to STARTTLS            permfail  502 to STARTTLS
  garbage     a greeting that is not SMTP
  silent      accepts and never speaks
  hangup      accepts and closes at once
  longline    a greeting line of 100000 bytes
  closetls    220 to STARTTLS, then closes as soon as the ClientHello arrives
  junktls     220 to STARTTLS, then bytes that are not TLS
  smtps       TLS from the first byte with CERT/KEY, then a normal session
"""
import socket
import ssl
import sys
import threading
import time


def lines(conn):
    """Yields the client's command lines (bytes without CRLF)."""
    buf = b""
    while True:
        while b"\n" not in buf:
            data = conn.recv(4096)
            if not data:
                return
            buf += data
        line, buf = buf.split(b"\n", 1)
        yield line.rstrip(b"\r")


def session(conn, mode, ctx):
    if mode == "silent":
        time.sleep(120)
        return
    if mode == "hangup":
        return
    if mode == "garbage":
        conn.sendall(b"\x16\x03\x01 hello, this is not SMTP\r\n")
        time.sleep(1)
        return
    if mode == "longline":
        conn.sendall(b"220-" + b"x" * 100000 + b"\r\n220 ok\r\n")
        time.sleep(1)
        return
    if mode == "smtps":
        conn = ctx.wrap_socket(conn, server_side=True)
    conn.sendall(b"220-fake.test.example ESMTP first line\r\n"
                 b"220-second line of the greeting\r\n"
                 b"220 fake.test.example ready\r\n")
    for line in lines(conn):
        cmd = line[:8].upper()
        if cmd.startswith(b"EHLO"):
            ext = b"" if mode in ("nostarttls", "smtps") else b"250-STARTTLS\r\n"
            conn.sendall(b"250-fake.test.example hello\r\n250-PIPELINING\r\n" + ext +
                         b"250 8BITMIME\r\n")
        elif cmd.startswith(b"STARTTLS"):
            if mode == "tempfail":
                conn.sendall(b"454 4.3.3 TLS not available right now\r\n")
            elif mode == "permfail":
                conn.sendall(b"502 5.5.1 command not implemented\r\n")
            elif mode == "closetls":
                conn.sendall(b"220 2.0.0 Ready to start TLS\r\n")
                conn.recv(10)
                return
            elif mode == "junktls":
                conn.sendall(b"220 2.0.0 Ready to start TLS\r\n")
                conn.recv(4096)
                conn.sendall(b"this is not a TLS record at all\r\n" * 4)
                time.sleep(1)
                return
            else:
                conn.sendall(b"220 2.0.0 Ready to start TLS\r\n")
                conn = ctx.wrap_socket(conn, server_side=True)
                for line2 in lines(conn):
                    if line2.upper().startswith(b"QUIT"):
                        conn.sendall(b"221 2.0.0 bye\r\n")
                        return
                    conn.sendall(b"250 ok\r\n")
                return
        elif cmd.startswith(b"QUIT"):
            conn.sendall(b"221 2.0.0 bye\r\n")
            return
        else:
            conn.sendall(b"250 ok\r\n")


def handle(conn, mode, ctx):
    try:
        session(conn, mode, ctx)
    except (OSError, ssl.SSLError):
        pass
    finally:
        try:
            conn.close()
        except OSError:
            pass


def main():
    mode, addr, portfile = sys.argv[1:4]
    if addr not in ("127.0.0.1", "::1"):
        sys.exit("fake-smtp.py: only 127.0.0.1 and ::1")
    ctx = None
    if len(sys.argv) > 5:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(sys.argv[4], sys.argv[5])
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    srv = socket.socket(fam, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((addr, 0))
    srv.listen(8)
    with open(portfile + ".tmp", "w") as f:
        f.write("%d\n" % srv.getsockname()[1])
    import os
    os.rename(portfile + ".tmp", portfile)
    while True:
        conn, _ = srv.accept()
        threading.Thread(target=handle, args=(conn, mode, ctx), daemon=True).start()


if __name__ == "__main__":
    main()
