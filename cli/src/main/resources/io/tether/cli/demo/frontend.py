# Demo front end: every second it re-reads its config and asks the app server for the order count.
# Usage: frontend.py CONFIG APP_HOST APP_PORT ROUNDS
import socket, sys, time

config, app_host, app_port, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
for _ in range(rounds):
    with open(config) as f:
        f.read()
    try:
        with socket.create_connection((app_host, app_port), timeout=5) as s:
            s.sendall(b"ORDER\n")
            s.recv(64)
    except OSError as e:
        print("frontend: app server not reachable yet:", e, flush=True)
    time.sleep(1)
