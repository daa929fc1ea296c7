#!/usr/bin/env bash
# Merge benchmark: our ParquetMerger vs DuckDB vs a raw byte copy, on three generated windows.
# Needs Java 17 and Maven. Usage: bench/merge-bench.sh [--scale F] [--dir PATH] [--memory-mb N] [--threads N]
#   [--duckdb-threads N]
#   [--datasets abc] [--methods ours,reencode,avro,duckdb,copy] [--files N] [--rows N] [--repeat N] [--zstd-level N]
#   [--null-one-in N] [--warm-up N]
# Extra JVM options via BENCH_JAVA_OPTS (default -Xmx1g); the parallel collector, as bin/compactor and the task
# managers use, unless they name another.
set -euo pipefail
cd "$(dirname "$0")/.."

classpath_file=operators/target/bench-classpath.txt
mvn -B -q -pl operators test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile="$(pwd)/$classpath_file" >/dev/null

java_opts="${BENCH_JAVA_OPTS:--Xmx1g}"
[[ "$java_opts" =~ -XX:\+Use[A-Za-z0-9]*GC( |$) ]] || java_opts="-XX:+UseParallelGC $java_opts"
exec java $java_opts \
    -cp "operators/target/test-classes:operators/target/classes:$(cat "$classpath_file")" \
    dev.compactor.bench.MergeBenchmark "$@"
