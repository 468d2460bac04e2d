#!/bin/bash
# Probe overhead benchmarks (results go to bench/reports/probe.md by hand, with this command line).
#   bench/probe/run.sh [ROUNDS] [CALLS] [ITER]
#   ROUNDS  per-call runs per configuration (default 9), alternating baseline / control / probe
#   CALLS   openat+connect+accept calls per run (default 20000)
#   ITER    research experiment: spawns of connect_once and accept_once per configuration (default 1000)
# OLD_PROBE=LIB adds an "old-probe" configuration to the per-call runs and to the experiment (e.g. the previous
# commit's probe, built with bench/probe/build-old.sh), on the same live ring: before and after in the same run.
# Builds the probe with Maven (offline), the benchmark programs with gcc, and runs the real collector-side reader
# (ProbeChannel, via RingDrain.java) on a ring in a temp dir while the probed programs run.
# The research's experiment runs across two network namespaces made here (a bridge without address, a veth per
# namespace, 198.18.77.1 accepting, 198.18.77.2 connecting; deleted at exit); NETNS=0, or no permission for
# `ip netns add`, runs it over loopback instead.
set -euo pipefail
rounds=${1:-9}
calls=${2:-20000}
iter=${3:-1000}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$(mktemp -d /tmp/tether-probe-bench.XXXXXX)
# the rings live on tmpfs, as /run/tether does on a normal host: on a disk file system every first write to a page
# of a shared mapping goes through the file system's page_mkwrite (journal, writeback), which dominates the cost
shm=$(mktemp -d "${RING_DIR:-/dev/shm}/tether-probe-bench.XXXXXX")
drain_pid=
ns_server=
ns_client=
bridge=
cleanup() {
    if [ -n "$drain_pid" ]; then
        touch "$ring.stop"
        wait "$drain_pid" || true
    fi
    if [ -n "$ns_server" ]; then ip netns del "$ns_server" 2>/dev/null || true; fi
    if [ -n "$ns_client" ]; then ip netns del "$ns_client" 2>/dev/null || true; fi
    if [ -n "$bridge" ]; then ip link del "$bridge" 2>/dev/null || true; fi
    rm -rf "$work" "$shm"
}
trap cleanup EXIT

# one reactor run, so that the sibling modules resolve to this tree's classes and not to the local repository
(cd "$root" && mvn -B -q -o -pl collector -am compile dependency:build-classpath -Dmdep.includeScope=runtime \
    -Dmdep.outputFile="$work/cp.txt" >/dev/null)
probe="$root/collector/target/native/libtether-probe.so"
for p in percall connect_once accept_once experiment; do
    gcc -O2 -Wall -o "$work/$p" "$here/$p.c"
done
gcc -O2 -shared -fPIC -o "$work/libempty.so" "$here/empty.c"
echo "probe file for openat" > "$work/file.txt"

cp="$root/collector/target/classes:$root/schemas/target/classes:$(cat "$work/cp.txt")"
ring="$shm/bench.ring"
java -cp "$cp" "$here/RingDrain.java" "$ring" "$shm/unread.ring" > "$work/drain.out" 2>&1 &
drain_pid=$!
for _ in $(seq 1 300); do
    [ -f "$ring.ready" ] && break
    sleep 0.1
done
[ -f "$ring.ready" ] || { echo "ring reader did not start"; cat "$work/drain.out"; exit 1; }

echo "== machine: $(nproc) cores, $(uname -r), $(gcc --version | head -1); load: $(uptime)"
echo "== per call: $rounds rounds x $calls calls, medians in ns"
nconf=3
if [ -n "${OLD_PROBE:-}" ]; then nconf=4; fi
for r in $(seq 1 "$rounds"); do
    # rotate the order of configurations from round to round
    for k in $(seq 0 $((nconf - 1))); do
        c=$(( (r + k) % nconf ))
        case $c in
        0) name=baseline; out=$(env -u LD_PRELOAD "$work/percall" "$calls" "$work/file.txt") ;;
        1) name=control; out=$(LD_PRELOAD="$work/libempty.so" "$work/percall" "$calls" "$work/file.txt") ;;
        2) name=probe; out=$(LD_PRELOAD="$probe" TETHER_CHANNEL="$ring" "$work/percall" "$calls" "$work/file.txt") ;;
        3) name=old-probe; out=$(LD_PRELOAD="$OLD_PROBE" TETHER_CHANNEL="$ring" "$work/percall" "$calls" "$work/file.txt") ;;
        esac
        echo "$out" | sed "s/^/round=$r config=$name /"
    done
done | tee "$work/percall.txt"
echo "== per call summary (median over rounds of each run's median)"
# median over rounds of each run's median, per call and configuration
awk '
    { for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] } call = $3; v[call, f["config"], ++n[call, f["config"]]] = f["median_ns"]; calls[call] = 1 }
    function med(call, cfg,    k, m, a, i, j, t) {
        m = n[call, cfg]; for (i = 1; i <= m; i++) a[i] = v[call, cfg, i]
        for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
        return a[int((m + 1) / 2)]
    }
    END {
        split("openat connect accept accept-wildcard getsockname", order, " ")
        for (o = 1; o <= 5; o++) { c = order[o]; if (!(c in calls)) continue
            b = med(c, "baseline"); k = med(c, "control"); p = med(c, "probe")
            printf "%-16s baseline=%6d ns control=%6d ns probe=%6d ns  added_vs_baseline=%+.2f us (x%.2f)  added_vs_control=%+.2f us", c, b, k, p, (p - b) / 1000, p / b, (p - k) / 1000
            if (n[c, "old-probe"] > 0) { op = med(c, "old-probe"); printf "  old-probe=%6d ns added_vs_control=%+.2f us", op, (op - k) / 1000 }
            printf "\n"
        }
    }' "$work/percall.txt"

# two hosts as namespaces, as the research ran it; the root namespace gets no address and sends nothing
netns_args=()
if [ "$iter" -gt 0 ] && [ "${NETNS:-1}" = 1 ]; then
    sfx=$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')
    if ip netns add "tpbs$sfx" 2>/dev/null; then
        ns_server=tpbs$sfx
        ns_client=tpbc$sfx
        bridge=tpbr$sfx
        ip netns add "$ns_client"
        ip link add "$bridge" type bridge
        ip link set "$bridge" up
        for side in s c; do
            ns=tpb$side$sfx
            if [ "$side" = s ]; then ip_addr=198.18.77.1; else ip_addr=198.18.77.2; fi
            ip link add "v$side$sfx" type veth peer name "p$side$sfx"
            ip link set "p$side$sfx" master "$bridge" up
            ip link set "v$side$sfx" netns "$ns"
            ip -n "$ns" addr add "$ip_addr/24" dev "v$side$sfx"
            ip -n "$ns" link set "v$side$sfx" up
            ip -n "$ns" link set lo up
        done
        echo "== netns: $(ip netns exec "$ns_client" ip route get 198.18.77.1 | head -1)"
        netns_args=("$ns_server" "$ns_client" 198.18.77.1)
    else
        echo "== ip netns add not permitted here: the research experiment runs over loopback"
    fi
fi

if [ "$iter" -gt 0 ]; then
echo "== research experiment: $iter alternating spawns per configuration"
OLD_PROBE="${OLD_PROBE:-}" "$work/experiment" "$iter" "$work" "$probe" "$work/libempty.so" "$ring" "$shm/unread.ring" ${netns_args[@]+"${netns_args[@]}"}
fi

touch "$ring.stop"
wait "$drain_pid" || true
drain_pid=
cat "$work/drain.out"
echo "== load at the end: $(uptime)"
