# Keeps working: every INTERVAL seconds creates DIR/file-<n> and keeps it open, and appends a line to DIR/log
# (the same open again and again: the collector folds these repeats), until DIR/stop exists.
# Prints "ready" first and "opened <n>" at the end (n files, n opens of the log).
import os
import sys
import time

directory, interval = sys.argv[1], float(sys.argv[2])
print("ready", flush=True)
held = []
n = 0
while not os.path.exists(os.path.join(directory, "stop")):
    held.append(open(os.path.join(directory, "file-%05d" % n), "w"))
    with open(os.path.join(directory, "log"), "a") as log:
        log.write("%d\n" % n)
    n += 1
    time.sleep(interval)
print("opened %d" % n, flush=True)
