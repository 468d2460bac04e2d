# Demo key-value store: answers every request with the next sequence number.
# Usage: kvstore.py PORT ROUNDS
import socket, sys

port, rounds = int(sys.argv[1]), int(sys.argv[2])
server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("0.0.0.0", port))
server.listen(16)
server.settimeout(5)
n = 0
for _ in range(rounds):
    try:
        conn, _ = server.accept()
    except socket.timeout:
        continue
    with conn:
        conn.recv(64)
        n += 1
        conn.sendall(b"%d\n" % n)
