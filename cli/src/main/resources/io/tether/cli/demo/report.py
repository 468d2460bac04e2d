# Demo reporting job: every two seconds it only READS the front end's config (read-only sharing couples nobody).
# Usage: report.py CONFIG ROUNDS
import sys, time

config, rounds = sys.argv[1], int(sys.argv[2])
for _ in range(rounds):
    with open(config) as f:
        lines = f.read().count("\n")
    time.sleep(2)
