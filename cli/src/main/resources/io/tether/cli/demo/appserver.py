# Demo app server: accepts orders, appends each to the shared data file and asks the key-value store for a number.
# Usage: appserver.py PORT DATA_FILE KV_HOST KV_PORT ROUNDS
import socket, sys

port, data_file, kv_host, kv_port, rounds = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("0.0.0.0", port))
server.listen(16)
server.settimeout(5)
for _ in range(rounds):
    try:
        conn, _ = server.accept()
    except socket.timeout:
        continue
    with conn:
        conn.recv(64)
        with open(data_file, "a") as f:
            f.write("order\n")
        try:
            with socket.create_connection((kv_host, kv_port), timeout=5) as kv:
                kv.sendall(b"NEXT\n")
                kv.recv(64)
        except OSError as e:
            print("appserver: kv store not reachable yet:", e, flush=True)
        conn.sendall(b"OK\n")
