#!/usr/bin/env bash
# Merge speed on windows from every writer the conformance suite uses (parquet-java, DuckDB V1 and V2, arrow-rs
# via parquet-wasm, hyparquet-writer), warm in one JVM and cold as whole processes, each against DuckDB, in one run.
# Needs Java 17, Maven and Node (npm ci --prefix it). Usage:
#   bench/writers-bench.sh [--dir PATH] [--files N] [--rows N] [--large-files N] [--threads N] [--zstd-level N]
#     [--repeat N] [--warm-up N] [--writers a,b] [--windows small,large,sorted,tiny] [--modes warm,cold]
#     [--compactor CMD]
# Inputs are generated once into --dir (bench/out/writers) and reused. BENCH_JAVA_OPTS: the warm JVM's options
# (default -Xmx1g, the parallel collector as bin/compactor uses). MERGE_CLASSES: the merge's classes to measure
# warm (default operators/target/classes; point it at another checkout's to measure that one's code).
set -euo pipefail
cd "$(dirname "$0")/.."

classpath_file=operators/target/bench-classpath.txt
mvn -B -q -o -pl operators -am test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile="$(pwd)/$classpath_file" >/dev/null
# the cold runs start bin/compactor, which builds itself when its jar is older than the sources
bin/compactor --help >/dev/null

java_opts="${BENCH_JAVA_OPTS:--Xmx1g}"
[[ "$java_opts" =~ -XX:\+Use[A-Za-z0-9]*GC( |$) ]] || java_opts="-XX:+UseParallelGC $java_opts"
exec java $java_opts \
    -cp "operators/target/test-classes:${MERGE_CLASSES:-operators/target/classes}:$(cat "$classpath_file")" \
    dev.compactor.bench.WritersBenchmark "$@"
