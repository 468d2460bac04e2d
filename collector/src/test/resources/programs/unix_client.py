# Test client: connects to the Unix-domain socket PATH and keeps the connection open. Prints "ready" once
# connected; runs until killed or stdin closes.
import socket
import sys

client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
client.connect(sys.argv[1])
print("ready", flush=True)
sys.stdin.read()
