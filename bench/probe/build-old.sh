#!/bin/bash
# Builds the probe of another commit (default: main) into OUT with that commit's collector/src/main/c/build-native.sh
# (its compiler and linker flags), for OLD_PROBE=OUT bench/probe/run.sh (before and after in one run).
#   bench/probe/build-old.sh OUT [COMMIT]
set -euo pipefail
out=$1
commit=${2:-main}
root=$(cd "$(dirname "$0")/../.." && pwd)
src=$(mktemp -d /tmp/tether-old-probe.XXXXXX)
trap 'rm -rf "$src"' EXIT
git -C "$root" show "$commit:collector/src/main/c/tether_probe.c" > "$src/tether_probe.c"
git -C "$root" show "$commit:collector/src/main/c/tether_ring.h" > "$src/tether_ring.h"
git -C "$root" show "$commit:collector/src/main/c/build-native.sh" > "$src/build-native.sh"
sh "$src/build-native.sh" "$src" "$src/out"
cp "$src/out/libtether-probe.so" "$out"
echo "built $out from $commit ($(git -C "$root" rev-parse --short "$commit"))"
