#!/usr/bin/env bash
# End-to-end streams benchmark: builds what it needs, then runs io.tether.bench.e2e.StreamsE2eBench with an
# in-process KRaft broker and the schema registry; everything it starts lives in this JVM and its temp dirs are
# deleted at exit. Arguments go to the benchmark (e.g. --events 2000000 --latency-runs 0:100,30:100).
# Skip the build with E2E_SKIP_BUILD=1 (E2E_STREAMS_CLASSES: see below). Heap with E2E_HEAP (default 3g). The JVM formats numbers in en-US, as
# bin/tether runs the app (see there why).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
cpfile=bench/target/e2e.cp
# the class path is resolved in the same reactor run as the package: on its own, build-classpath would look for the
# sibling modules' jars in the local repository, where a fresh clone has none
if [[ "${E2E_SKIP_BUILD:-0}" != 1 || ! -s "$cpfile" || bench/pom.xml -nt "$cpfile" ]]; then
  echo "[build] mvn -pl bench -am package (a few minutes on a busy machine)..."
  mvn -B -q -o -pl bench -am package dependency:build-classpath -DskipTests -Dmdep.outputFile=target/e2e.cp >/dev/null
fi
# the project's own modules from this tree's target/classes, never from ~/.m2
third_party="$(tr ':' '\n' < "$cpfile" | grep -v '/io/tether/' | paste -sd: -)"
own="bench/target/classes:schemas/target/classes:netns/target/classes:testkit/target/classes:registry/target/classes"
# E2E_STREAMS_CLASSES: another build's streams-app classes (a copy of streams-app/target/classes), to alternate two
# versions of the app on the same machine and minute (A/B)
own="$own:collector/target/classes:${E2E_STREAMS_CLASSES:-streams-app/target/classes}:cli/target/classes"
exec timeout --signal=TERM --kill-after=30 "${E2E_TIMEOUT:-1800}" \
  java -Xmx"${E2E_HEAP:-3g}" -XX:+UseG1GC -Duser.language.format=en -Duser.country.format=US -Dlogback.configurationFile="$root/bench/e2e/logback.xml" \
  -cp "$own:$third_party" io.tether.bench.e2e.StreamsE2eBench "$@"
