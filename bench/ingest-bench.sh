#!/usr/bin/env bash
# WindowTracker ingestion benchmark: events/s through parse → keyBy → WindowTracker on incremental RocksDB with
# checkpoints every 10 s, state per tracked file, for 1 and 1,000 namespaces, next to parsing alone.
# Needs Java 17 and Maven.
# Usage: bench/ingest-bench.sh [--events N] [--namespaces 1,1000] [--parallelism N] [--dir PATH] [--conf KEY=VALUE]
# Extra JVM options via BENCH_JAVA_OPTS (default -Xmx2g).
set -euo pipefail
cd "$(dirname "$0")/.."

# Built in one reactor so the job sees this tree's operators classes, not a snapshot installed from elsewhere.
# The relative output file lands in each module's target/.
mvn -B -q -pl operators,job test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt >/dev/null

exec java ${BENCH_JAVA_OPTS:--Xmx2g} \
    --add-opens java.base/java.util=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED \
    -cp "job/target/test-classes:job/target/classes:$(cat job/target/bench-classpath.txt)" \
    dev.compactor.job.bench.IngestBenchmark "$@"
