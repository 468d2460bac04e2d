#!/bin/bash
# The floor of a probe channel on this machine (bench/reports/probe.md, "Session 6"): builds floor.c's designs, the
# control (empty.c) and the probe (collector/src/main/c, with its own build-native.sh: no Maven), then runs
# loadcost.c's paired method on connect_once and accept_once (loopback), all configurations interleaved. Run as root:
# the "+cn" configurations listen to the kernel's process-events connector (CAP_NET_ADMIN).
#   bench/probe/floor.sh [N [NAME...]]     N rounds per program (default 2000); NAMEs: only these configurations
#                                          (besides "none" and "control", the reference)
set -euo pipefail
n=${1:-2000}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$(mktemp -d /tmp/tether-floor.XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work"
gcc -O2 -Wall -o loadcost "$here/loadcost.c" -lm
for p in connect_once accept_once; do gcc -O2 -Wall -o "$p" "$here/$p.c"; done
gcc -O2 -shared -fPIC -o libempty.so "$here/empty.c"
# linked as the probe is (build-native.sh): code and read-only data in the mapping the loader touches anyway, so
# running the library's code costs no page fault of its own; FLOOR_LINK= builds with the toolchain's default
link=${FLOOR_LINK--Wl,-z,noseparate-code}
for v in BASE PIPE_EACH PIPE_ONCE DGRAM SHM OPEN_EACH ID_PROC ID_AUX ID_VDSO DGRAM_AUX; do
    gcc -O2 -Wall -Wextra -shared -fPIC $link -DFLOOR="FLOOR_$v" -o "libfloor-$(echo "$v" | tr 'A-Z_' 'a-z-').so" \
        "$here/floor.c"
done
for v in PIPE_EACH DGRAM; do # only the CALL record: exec and exit come from the process-events connector
    gcc -O2 -Wall -Wextra -shared -fPIC $link -DFLOOR="FLOOR_$v" -DFLOOR_CALL_ONLY \
        -o "libfloor-$(echo "${v%_EACH}" | tr 'A-Z_' 'a-z-')-call.so" "$here/floor.c"
done
sh "$root/collector/src/main/c/build-native.sh" "$root/collector/src/main/c" "$work/probe" >/dev/null
configs=(none=- control=./libempty.so probe-unread=./probe/libtether-probe.so,+ base=./libfloor-base.so
    pipe-each=./libfloor-pipe-each.so,@pipe pipe-once=./libfloor-pipe-once.so,@pipe dgram=./libfloor-dgram.so,@dgram
    shm=./libfloor-shm.so,@shm open-each=./libfloor-open-each.so,@fifo id-proc=./libfloor-id-proc.so
    id-aux=./libfloor-id-aux.so id-vdso=./libfloor-id-vdso.so dgram-aux=./libfloor-dgram-aux.so,@dgram cn=./libempty.so,@cn
    pipe-call+cn=./libfloor-pipe-call.so,@pipe+cn dgram-call+cn=./libfloor-dgram-call.so,@dgram+cn)
if [ $# -gt 1 ]; then
    shift
    chosen=("${configs[0]}" "${configs[1]}")
    for c in "${configs[@]:2}"; do
        for want in "$@"; do
            if [ "${c%%=*}" = "$want" ]; then chosen+=("$c"); fi
        done
    done
    configs=("${chosen[@]}")
fi
echo "== $(nproc) cores, $(uname -r), $(gcc --version | head -1), probe at $(git -C "$root" rev-parse --short HEAD)"
for mode in connect accept; do
    echo "== $(date -u +%H:%M:%S) load: $(cut -d' ' -f1-3 /proc/loadavg)"
    ./loadcost "$n" "$mode" "${configs[@]}"
done
echo "== $(date -u +%H:%M:%S) load: $(cut -d' ' -f1-3 /proc/loadavg)"
