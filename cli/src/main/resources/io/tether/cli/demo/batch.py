# Demo batch job: every two seconds it appends a summary line to the app server's data file (shared, written).
# Usage: batch.py DATA_FILE ROUNDS
import sys, time

data_file, rounds = sys.argv[1], int(sys.argv[2])
for _ in range(rounds):
    with open(data_file, "a") as f:
        f.write("batch summary\n")
    time.sleep(2)
