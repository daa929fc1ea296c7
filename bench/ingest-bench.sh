#!/usr/bin/env bash
# WindowTracker ingestion benchmark: events/s through parse → keyBy → WindowTracker on incremental RocksDB with
# checkpoints every 10 s, state per tracked file, for 1 and 1,000 namespaces, next to parsing alone; then what
# dispatching and committing one 100,000-file window generation costs with 100,000 more files pending beside it.
# Needs Java 17 and Maven.
# Usage: bench/ingest-bench.sh [--events N] [--namespaces 1,1000] [--parallelism N] [--dir PATH] [--conf KEY=VALUE]
#   [--generation-files N] [--other-files N]
# Extra JVM options via BENCH_JAVA_OPTS (default -Xmx2g).
set -euo pipefail
cd "$(dirname "$0")/.."

# Built in one reactor so the job sees this tree's operators classes, not a snapshot installed from elsewhere.
# The relative output file lands in each module's target/.
mvn -B -q -pl operators,job test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt >/dev/null

generation_files=100000
other_files=100000
ingest_args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --generation-files) generation_files="$2"; shift 2 ;;
    --other-files) other_files="$2"; shift 2 ;;
    *) ingest_args+=("$1"); shift ;;
  esac
done

java_opts=(${BENCH_JAVA_OPTS:--Xmx2g} --add-opens java.base/java.util=ALL-UNNAMED
    --add-opens java.base/java.lang=ALL-UNNAMED)
java "${java_opts[@]}" -cp "job/target/test-classes:job/target/classes:$(cat job/target/bench-classpath.txt)" \
    dev.compactor.job.bench.IngestBenchmark "${ingest_args[@]}"
java "${java_opts[@]}" \
    -cp "operators/target/test-classes:operators/target/classes:$(cat operators/target/bench-classpath.txt)" \
    dev.compactor.bench.GenerationCostBenchmark --files "$generation_files" --others "$other_files"
