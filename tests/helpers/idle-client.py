#!/usr/bin/python3
"""Open a connection, send some bytes, then stay silent until the peer closes.

    idle-client.py PORT OUT [BYTES]
        BYTES uses Python escapes (\\r\\n, \\x05).  Everything received is
        written to OUT as it arrives, and the line "#closed" is appended
        when the peer ends the connection.  Gives up after 170 s (the bats
        test timeout is 180 s), appending "#open".

The test polls OUT with wait_until, so a slow machine only makes it wait.
"""
import socket
import sys
import time


def main():
    port, out = int(sys.argv[1]), sys.argv[2]
    data = sys.argv[3].encode().decode("unicode_escape").encode("latin-1") if len(sys.argv) > 3 else b""
    s = socket.create_connection(("127.0.0.1", port))
    if data:
        s.sendall(data)
    deadline = time.monotonic() + 170
    with open(out, "ab", buffering=0) as f:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                f.write(b"\n#open\n")
                return
            s.settimeout(left)
            try:
                b = s.recv(65536)
            except socket.timeout:
                continue
            except ConnectionResetError:
                b = b""
            if not b:
                f.write(b"\n#closed\n")
                return
            f.write(b)


if __name__ == "__main__":
    main()
