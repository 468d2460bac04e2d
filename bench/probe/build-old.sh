#!/bin/bash
# Builds the probe of another commit (default: main) into OUT, with the flags of collector/src/main/c/build-native.sh,
# for OLD_PROBE=OUT bench/probe/run.sh (before and after in one run).
#   bench/probe/build-old.sh OUT [COMMIT]
set -euo pipefail
out=$1
commit=${2:-main}
root=$(cd "$(dirname "$0")/../.." && pwd)
src=$(mktemp -d /tmp/tether-old-probe.XXXXXX)
trap 'rm -rf "$src"' EXIT
git -C "$root" show "$commit:collector/src/main/c/tether_probe.c" > "$src/tether_probe.c"
git -C "$root" show "$commit:collector/src/main/c/tether_ring.h" > "$src/tether_ring.h"
gcc -std=gnu11 -O2 -g -fPIC -shared -fvisibility=hidden -U_FORTIFY_SOURCE -Wall -Wextra -Werror \
    -o "$out" "$src/tether_probe.c" -ldl -pthread
echo "built $out from $commit ($(git -C "$root" rev-parse --short "$commit"))"
