#!/usr/bin/python3
"""Send exact bytes to a proxy and print what comes back.

    raw-client.py http PORT < REQUEST
        REQUEST is sent as is (write \\r\\n yourself); prints the reply
        until the proxy closes the connection (10 s at most).
    raw-client.py socks PORT CMD HOST DPORT
        One SOCKS5 exchange: no-auth greeting, then command CMD (1
        CONNECT, 2 BIND, 3 UDP ASSOCIATE) to HOST (an IPv4 or IPv6
        literal or a name); prints "reply=N".
"""
import ipaddress
import socket
import sys


def read_all(s):
    out = b""
    s.settimeout(10)
    try:
        while True:
            b = s.recv(65536)
            if not b:
                break
            out += b
    except (socket.timeout, ConnectionResetError):
        pass
    return out


def http(port):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(sys.stdin.buffer.read())
    sys.stdout.buffer.write(read_all(s))


def socks(port, cmd, host, dport):
    s = socket.create_connection(("127.0.0.1", port))
    s.settimeout(10)
    s.sendall(b"\x05\x01\x00")
    if s.recv(2) != b"\x05\x00":
        print("greeting refused")
        return
    try:
        ip = ipaddress.ip_address(host)
        addr = (b"\x01" if ip.version == 4 else b"\x04") + ip.packed
    except ValueError:
        addr = b"\x03" + bytes([len(host)]) + host.encode()
    s.sendall(b"\x05" + bytes([cmd]) + b"\x00" + addr + dport.to_bytes(2, "big"))
    reply = s.recv(4)
    print("reply=%d" % reply[1] if len(reply) >= 2 else "reply=none")


if __name__ == "__main__":
    if sys.argv[1] == "http":
        http(int(sys.argv[2]))
    else:
        socks(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], int(sys.argv[5]))
