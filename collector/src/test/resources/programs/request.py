# Sends one request line to HOST:PORT and prints the first reply line.
import socket
import sys

with socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=10) as s:
    s.sendall((sys.argv[3] + "\n").encode())
    print(s.makefile().readline().strip(), flush=True)
