#!/usr/bin/env python3
"""Test peers for the TLS scanner, on 127.0.0.1 only.

usage: peers.py MODE [CERT KEY | UPSTREAM_PORT]

Listens on an ephemeral loopback port, prints "PORT <n>" on stdout, and
serves until killed. Modes:

  silent     accepts and never says a word
  garbage    answers the ClientHello with an HTTP error page
  midrecord  sends half a TLS record, then closes
  bigrecord  sends a handshake header announcing a 16 MB message
  dribble    sends a plausible record one byte a second
  reset      reads the ClientHello, then resets the connection (RST)
  sslv2      answers an SSL 2.0 CLIENT-HELLO with a SERVER-HELLO offering
             RC4_128_WITH_MD5 and DES_192_EDE3_CBC_WITH_MD5, and closes on
             anything else (what an SSL 2.0-only server does)
  smtp       an SMTP server with STARTTLS (RFC 3207); the TLS is Python's
             ssl module (OpenSSL), TLS 1.2 and 1.3, with CERT and KEY
  smtp-plain an SMTP server that does not offer STARTTLS
  stall      passes the ClientHello to a real server on UPSTREAM_PORT,
             sends back its first record (the ServerHello), then stalls
  limit      a load balancer in front of UPSTREAM_PORT that relays at most
             N (the third argument) connections at a time and resets any
             connection beyond them at once, as a connection limit does
  dies       relays its first N connections to UPSTREAM_PORT, then stops
             listening: every later connection is refused
  rstalert   relays to UPSTREAM_PORT, but where the server's first answer
             is an alert, resets the connection instead (how Windows
             SChannel refuses a hello)

A peer exits by itself once the test that started it is gone, so a test
killed before its clean-up leaves nothing listening.
"""
import os
import socket
import ssl
import struct
import sys
import threading
import time


def serve(mode, conn, ctx):
    try:
        if mode == "silent":
            time.sleep(3600)
        elif mode == "garbage":
            conn.recv(4096)
            conn.sendall(b"HTTP/1.1 400 Bad Request\r\n"
                         b"Content-Length: 0\r\n\r\n")
        elif mode == "midrecord":
            conn.recv(4096)
            conn.sendall(b"\x16\x03\x03\x00\x40" + b"\x02" * 10)
        elif mode == "bigrecord":
            conn.recv(4096)
            conn.sendall(b"\x16\x03\x03\x00\x04\x02\xff\xff\xff")
            time.sleep(3600)
        elif mode == "dribble":
            conn.recv(4096)
            for b in b"\x16\x03\x03\x00\x30" + b"\x02\x00\x00\x2c" + b"\x03" * 44:
                conn.sendall(bytes([b]))
                time.sleep(1)
        elif mode == "sslv2":
            hello = conn.recv(4096)
            if hello and hello[0] & 0x80 and hello[2] == 1:
                cert = b"\x30\x03\x02\x01\x00"    # not a real certificate
                specs = b"\x01\x00\x80\x07\x00\xc0"
                connid = b"\x42" * 16
                body = (b"\x04\x00\x01\x00\x02" +
                        struct.pack(">HHH", len(cert), len(specs), len(connid))
                        + cert + specs + connid)
                conn.sendall(struct.pack(">H", 0x8000 | len(body)) + body)
        elif mode == "reset":
            # After the ClientHello, so the reset always meets a read.
            conn.recv(4096)
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                            struct.pack("ii", 1, 0))
        elif mode.startswith("smtp"):
            smtp(conn, ctx, mode == "smtp")
        elif mode == "stall":
            stall(conn, int(sys.argv[2]))
        elif mode == "limit":
            with busy_lock:
                over = busy[0] >= int(sys.argv[3])
                if not over:
                    busy[0] += 1
            if over:
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                struct.pack("ii", 1, 0))
                return
            try:
                relay(conn, int(sys.argv[2]))
            finally:
                with busy_lock:
                    busy[0] -= 1
        elif mode == "dies":
            relay(conn, int(sys.argv[2]))
        elif mode == "rstalert":
            relay(conn, int(sys.argv[2]), reset_alert=True)
    except OSError:
        pass
    finally:
        conn.close()


def smtp(conn, ctx, offer_tls):
    f = conn.makefile("rb")
    conn.sendall(b"220 fipsev-test ESMTP\r\n")
    while True:
        line = f.readline()
        if not line:
            return
        cmd = line.strip().upper()
        if cmd.startswith(b"EHLO"):
            conn.sendall(b"250-fipsev-test\r\n250-SIZE 1000000\r\n" +
                         (b"250-STARTTLS\r\n" if offer_tls else b"") +
                         b"250 8BITMIME\r\n")
        elif cmd == b"STARTTLS" and offer_tls:
            conn.sendall(b"220 2.0.0 Ready to start TLS\r\n")
            try:
                tls = ctx.wrap_socket(conn, server_side=True)
                tls.recv(1)
                tls.close()
            except (ssl.SSLError, OSError):
                pass
            return
        elif cmd == b"QUIT":
            conn.sendall(b"221 bye\r\n")
            return
        else:
            conn.sendall(b"502 5.5.2 not here\r\n")


def recv_exactly(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise OSError("closed")
        data += chunk
    return data


def stall(conn, upstream_port):
    """Relay the client's bytes upstream, but only the first record back.

    The upstream connection is closed as soon as the client goes, so a
    server that handles one connection at a time (s_server) serves the
    next probe.
    """
    up = socket.create_connection(("127.0.0.1", upstream_port))

    def pump():
        try:
            while True:
                chunk = conn.recv(4096)
                if not chunk:
                    break
                up.sendall(chunk)
        except OSError:
            pass
        up.close()
    relay = threading.Thread(target=pump, daemon=True)
    relay.start()
    try:
        header = recv_exactly(up, 5)
        conn.sendall(header + recv_exactly(
            up, struct.unpack(">H", header[3:5])[0]))
    except OSError:
        pass
    relay.join()


busy = [0]
busy_lock = threading.Lock()


def relay(conn, upstream_port, reset_alert=False):
    """Relay both ways between the client and a real server.

    With reset_alert, the client's first bytes and the server's first
    answer are relayed here first: an alert becomes a reset (RST).
    """
    up = socket.create_connection(("127.0.0.1", upstream_port))
    if reset_alert:
        # The hello arrives whole on loopback; any hello (SSL 2.0 too).
        up.sendall(conn.recv(16384))
        answer = up.recv(16384)
        if answer[:1] == b"\x15":
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                            struct.pack("ii", 1, 0))
            up.close()
            return
        conn.sendall(answer)

    def pump(src, dst):
        try:
            while True:
                chunk = src.recv(16384)
                if not chunk:
                    break
                dst.sendall(chunk)
        except OSError:
            pass
        for sock in (src, dst):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
    back = threading.Thread(target=pump, args=(up, conn), daemon=True)
    back.start()
    pump(conn, up)
    back.join()
    up.close()


def orphan_watch(parent):
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(0)


def main():
    mode = sys.argv[1]
    ctx = None
    if mode == "smtp":
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        ctx.load_cert_chain(sys.argv[2], sys.argv[3])
    threading.Thread(target=orphan_watch, args=(os.getppid(),),
                     daemon=True).start()
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(128)
    print("PORT %d" % srv.getsockname()[1], flush=True)
    accepted = 0
    while True:
        if mode == "dies" and accepted == int(sys.argv[3]):
            srv.close()
            while True:
                time.sleep(3600)
        conn, _ = srv.accept()
        accepted += 1
        threading.Thread(target=serve, args=(mode, conn, ctx),
                         daemon=True).start()


if __name__ == "__main__":
    main()
