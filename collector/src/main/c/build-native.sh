#!/bin/sh
# Builds the probe library (and, with a test source dir, the probe's test programs) with the machine's gcc.
# Called by the Maven build (collector/pom.xml, "native probe" block):  build-native.sh SRC_DIR OUT_DIR
set -eu
src="$1"
out="$2"
cc="${CC:-gcc}"
if ! command -v "$cc" >/dev/null 2>&1; then
    echo "ERROR: '$cc' not found: the Tether probe (libtether-probe.so) needs a C compiler. Install gcc (apt-get install gcc libc6-dev) or set CC." >&2
    exit 1
fi
mkdir -p "$out"
for c in "$src"/*.c; do
    name=$(basename "$c" .c)
    case "$name" in
    tether_probe)
        # no fortify: it would macro-wrap the very open() we define.
        # -z noseparate-code: headers, code and read-only data in one mapping instead of three, so the loader makes
        # two mmaps fewer and the first touch of the code maps the read-only data too (one page fault less per
        # process start; bench/reports/probe.md, "Session 5"). The price: those 6 pages are executable, as every
        # library was before binutils 2.31.
        "$cc" -std=gnu11 -O2 -g -fPIC -shared -fvisibility=hidden -U_FORTIFY_SOURCE -Wall -Wextra -Werror \
            -Wl,-z,noseparate-code -o "$out/libtether-probe.so" "$c" -ldl -pthread
        ;;
    *)
        "$cc" -std=gnu11 -O2 -g -Wall -Wextra -Werror -o "$out/$name" "$c" -pthread
        ;;
    esac
done
