"""Test program of the strace trace mode: in WORKDIR it forks a child that writes, reads (relative, through a
directory fd, and one missing file), opens one file read-write and connects to a loopback server that the parent
runs; the parent accepts, answers, reads what the child wrote and runs 'cat' on it (fork + exec).
Prints "ready PORT PID STARTTICKS" (its own /proc/self/stat start time) and the child's "child PID STARTTICKS" to
stdout, "to-stderr" to stderr, and exits with 5."""
import os
import socket
import sys


def start_ticks():
    with open("/proc/self/stat") as stat:
        return stat.read().rsplit(")", 1)[1].split()[19]  # field 22, counted after the command name


os.chdir(sys.argv[1])
server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.bind(("127.0.0.1", 0))
server.listen(1)
port = server.getsockname()[1]
print("ready", port, os.getpid(), start_ticks(), flush=True)
child = os.fork()
if child == 0:
    server.close()
    print("child", os.getpid(), start_ticks(), flush=True)
    with open("written.txt", "w") as f:  # O_WRONLY|O_CREAT|O_TRUNC, relative
        f.write("from the child\n")
    etc = os.open("/etc", os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.open("no-such-file.txt", os.O_RDONLY, dir_fd=etc)  # ENOENT through a dirfd
    except FileNotFoundError:
        pass
    os.close(os.open("hostname", os.O_RDONLY, dir_fd=etc))  # read through a dirfd
    os.close(os.open("shared.db", os.O_RDWR | os.O_CREAT, 0o644))  # O_RDWR
    client = socket.create_connection(("127.0.0.1", port))
    client.sendall(b"ping")
    client.recv(4)  # the answer: the connection lives until the parent replied
    client.close()
    os._exit(3)
conn, _ = server.accept()
conn.recv(4)
conn.sendall(b"pong")
conn.close()
_, status = os.waitpid(child, 0)
with open("written.txt") as f:  # O_RDONLY, relative
    f.read()
print("to-stderr", file=sys.stderr, flush=True)
os.system("cat written.txt")
sys.exit(5)
