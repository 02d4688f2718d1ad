#!/usr/bin/python3
"""Load generators and servers for tests/bench/proxy-bench.

    proxy_bench.py serve PORTFILE FILE      HTTP/1.1 server: /big sends FILE
                                            with sendfile, /small sends "ok";
                                            plus a TCP echo server; writes
                                            "HTTP_PORT ECHO_PORT" to PORTFILE
    proxy_bench.py latency N PORT [HTTP_PROXY_PORT | socks:PORT]
                                            N sequential small requests, each
                                            on a new connection; prints the
                                            mean and p50/p99 in microseconds
    proxy_bench.py rps N PORT [HTTP_PROXY_PORT]
                                            N small requests on one keep-alive
                                            connection; prints requests/s
    proxy_bench.py tunnels N ECHO_PORT SOCKS_PORT HTTP_PROXY_PORT PROXY_PID
                                            open N tunnels (half SOCKS5, half
                                            CONNECT), hold them all, then echo
                                            one message through each; prints
                                            how many worked and the proxy's RSS
"""
import http.server
import os
import socket
import socketserver
import sys
import threading
import time


def serve(portfile, path):
    size = os.path.getsize(path)

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out in separate writes; without this, Nagle
        # and delayed ACKs add 40 ms to every keep-alive request.
        disable_nagle_algorithm = True

        def log_message(self, *a):
            pass

        def do_GET(self):
            if self.path.endswith("/big"):
                self.send_response(200)
                self.send_header("Content-Length", str(size))
                self.end_headers()
                self.wfile.flush()
                with open(path, "rb") as f:
                    self.connection.sendfile(f)
            else:
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

    class Server(http.server.ThreadingHTTPServer):
        daemon_threads = True
        request_queue_size = 4096

    class Echo(socketserver.BaseRequestHandler):
        def handle(self):
            self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            while True:
                data = self.request.recv(4096)
                if not data:
                    return
                self.request.sendall(data)

    class EchoServer(socketserver.ThreadingTCPServer):
        daemon_threads = True
        allow_reuse_address = True
        request_queue_size = 4096

    web = Server(("127.0.0.1", 0), Handler)
    echo = EchoServer(("127.0.0.1", 0), Echo)
    threading.Thread(target=echo.serve_forever, daemon=True).start()
    with open(portfile + ".tmp", "w") as f:
        f.write("%d %d\n" % (web.server_address[1], echo.server_address[1]))
    os.rename(portfile + ".tmp", portfile)
    web.serve_forever()


def recv_until(s, marker):
    data = b""
    while marker not in data:
        b = s.recv(65536)
        if not b:
            raise ConnectionError("closed early")
        data += b
    return data


def socks_connect(proxy_port, port):
    s = socket.create_connection(("127.0.0.1", proxy_port))
    s.sendall(b"\x05\x01\x00")
    assert s.recv(2) == b"\x05\x00"
    s.sendall(b"\x05\x01\x00\x01\x7f\x00\x00\x01" + port.to_bytes(2, "big"))
    reply = s.recv(10)
    assert reply[1] == 0, "SOCKS reply %d" % reply[1]
    return s


def connect_tunnel(proxy_port, port):
    s = socket.create_connection(("127.0.0.1", proxy_port))
    s.sendall(b"CONNECT 127.0.0.1:%d HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n" % (port, port))
    head = recv_until(s, b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200"), head
    return s


def one_request(port, via):
    if via is None:
        s = socket.create_connection(("127.0.0.1", port))
        target = b"/small"
    elif via.startswith("socks:"):
        s = socks_connect(int(via[6:]), port)
        target = b"/small"
    else:
        s = socket.create_connection(("127.0.0.1", int(via)))
        target = b"http://127.0.0.1:%d/small" % port
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    s.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
    data = b""
    while True:
        b = s.recv(4096)
        if not b:
            break
        data += b
    s.close()
    assert data.endswith(b"ok"), data


def latency(n, port, via):
    times = []
    for _ in range(n):
        t = time.perf_counter()
        one_request(port, via)
        times.append((time.perf_counter() - t) * 1e6)
    times.sort()
    print("mean=%.0f p50=%.0f p99=%.0f" % (sum(times) / n, times[n // 2], times[int(n * 0.99)]))


def rps(n, port, via):
    proxy = via is not None
    s = socket.create_connection(("127.0.0.1", int(via) if proxy else port))
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    target = (b"http://127.0.0.1:%d/small" % port) if proxy else b"/small"
    req = b"GET " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    t = time.perf_counter()
    buf = b""
    for _ in range(n):
        s.sendall(req)
        while b"\r\n\r\nok" not in buf:
            buf += s.recv(65536)
        buf = buf[buf.index(b"\r\n\r\nok") + 6:]
    print("%.0f" % (n / (time.perf_counter() - t)))


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def tunnels(n, echo_port, socks_port, http_port, proxy_pid):
    before = rss_kib(proxy_pid)
    socks = []
    for i in range(n):
        if i % 2:
            socks.append(socks_connect(socks_port, echo_port))
        else:
            socks.append(connect_tunnel(http_port, echo_port))
    held = rss_kib(proxy_pid)
    ok = 0
    for i, s in enumerate(socks):
        msg = b"tunnel %d\n" % i
        s.sendall(msg)
        if recv_until(s, b"\n") == msg:
            ok += 1
    for s in socks:
        s.close()
    print("open=%d echoed=%d rss_before_kib=%d rss_held_kib=%d" % (n, ok, before, held))


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "serve":
        serve(sys.argv[2], sys.argv[3])
    elif cmd == "latency":
        latency(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4] if len(sys.argv) > 4 else None)
    elif cmd == "rps":
        rps(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4] if len(sys.argv) > 4 else None)
    elif cmd == "tunnels":
        tunnels(*[int(a) for a in sys.argv[2:7]])
