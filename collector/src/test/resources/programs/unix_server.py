# Test server: listens on the Unix-domain socket PATH, accepts connections and keeps them open, appending
# "accepted" to LOG after each. Also holds a socketpair, as many programs do (not a connection to report).
# Prints "ready" once listening; runs until killed or stdin closes.
import socket
import sys
import threading

path, log_path = sys.argv[1], sys.argv[2]
log = open(log_path, "a")
server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
server.bind(path)
server.listen(16)
pair = socket.socketpair()
held = []


def accept_loop():
    while True:
        conn, _ = server.accept()
        held.append(conn)
        log.write("accepted\n")
        log.flush()


threading.Thread(target=accept_loop, daemon=True).start()
print("ready", flush=True)
sys.stdin.read()
