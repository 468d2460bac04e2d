# Test client: connects to HOST:PORT and keeps the connection open. Prints "ready <local ip> <local port>"
# once connected; runs until killed or stdin closes.
import socket
import sys

host, port = sys.argv[1], int(sys.argv[2])
client = socket.create_connection((host, port), timeout=10)
local = client.getsockname()
print("ready %s %d" % (local[0], local[1]), flush=True)
sys.stdin.read()
