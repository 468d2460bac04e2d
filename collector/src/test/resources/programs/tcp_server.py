# Test server: listens on HOST:PORT (port 0 = any), holds a file open read-write and another read-only,
# accepts connections and keeps them open. Prints "ready <port>" once listening; runs until killed or stdin closes.
import socket
import sys
import threading

host, port, rw_path, ro_path = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
rw = open(rw_path, "a+")
ro = open(ro_path, "r")
server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind((host, port))
server.listen(16)
print("ready %d" % server.getsockname()[1], flush=True)
held = []


def accept_loop():
    while True:
        conn, _ = server.accept()
        held.append(conn)
        rw.write("accepted\n")
        rw.flush()


threading.Thread(target=accept_loop, daemon=True).start()
sys.stdin.read()
