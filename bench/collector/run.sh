#!/bin/sh
# Runs the collector benchmarks against this checkout's classes (not ~/.m2 snapshots).
# Usage: bench/collector/run.sh publish [--events N] [--rounds R] [--threads] [--coalesce-ms MS] [--queue EVENTS]
#        bench/collector/run.sh scan [--processes N]
set -eu
cd "$(dirname "$0")/../.."
# one reactor run, so that the sibling modules resolve to this tree's classes and not to the local repository
mvn -B -q -o -pl bench -am compile dependency:build-classpath -DskipTests -Dmdep.outputFile=target/cp.txt >/dev/null
CP=bench/target/classes:collector/target/classes:schemas/target/classes:netns/target/classes:testkit/target/classes:registry/target/classes:$(cat bench/target/cp.txt)
what=$1
shift
case "$what" in
  publish) exec java -Xmx2g ${JAVA_OPTS:-} -Dlogback.configurationFile=bench/collector/logback.xml -cp "$CP" io.tether.bench.collector.PublishRateBenchmark "$@" ;;
  scan) exec java -Dlogback.configurationFile=bench/collector/logback.xml -cp "$CP" io.tether.bench.collector.ProcScanBenchmark "$@" ;;
  *) echo "usage: $0 publish|scan [options]" >&2; exit 2 ;;
esac
