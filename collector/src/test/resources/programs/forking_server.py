# Forks a child per connection (a classic pre-fork-less inetd-style server). Each child appends to LOG; when the
# client sends "exec", the child instead execs /bin/cat on LOG (so it becomes a program of its own).
# Prints "ready <port>" once listening; runs until killed or stdin closes.
import os
import socket
import sys
import threading

host, log = sys.argv[1], sys.argv[2]
server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.bind((host, 0))
server.listen(16)
print("ready %d" % server.getsockname()[1], flush=True)


def serve():
    while True:
        conn, _ = server.accept()
        pid = os.fork()
        if pid == 0:
            request = conn.recv(64).decode().strip()
            if request == "exec":
                os.dup2(conn.fileno(), 1)
                os.execv("/bin/cat", ["/bin/cat", log])
            with open(log, "a") as f:
                f.write("served\n")
            conn.sendall(b"done\n")
            os._exit(0)
        conn.close()
        os.waitpid(pid, 0)


threading.Thread(target=serve, daemon=True).start()
sys.stdin.read()
