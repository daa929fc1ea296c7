#!/usr/bin/env bash
# Memory benchmark (issue 24): a whole window written by a writer other than ours, merged by `bin/compactor merge`
# as a user runs it, in a small heap with the default merge memory; reports wall time, bytes, rows, GC pauses
# (from the GC log), peak RSS, any OutOfMemoryError, and checks the output against the inputs with DuckDB (rows and
# sum(hash(every column))). Needs Java 17, Maven, /usr/bin/time (else RSS is polled from /proc); Node with
# it/node_modules (npm ci --prefix it) only for --writer parquet-wasm|hyparquet-writer.
# Usage:
#   bench/memory-bench.sh [--dir PATH] [--gb N] [--writer duckdb|parquet-wasm|hyparquet-writer] [--files N]
#     [--large-files N] [--distinct N] [--modes unsorted,sorted] [--heap SIZE] [--keep]   (--gb may be a fraction)
# Defaults: the issue's target, a 10 GB window (on-disk Parquet bytes) of 400 small DuckDB files (ZSTD, V1 pages,
# DuckDB's 122,880-row row groups) plus 4 files of 1 M-row row groups holding a tenth of it, merged unsorted and
# sorted by ts (the external sort) in -Xmx256m. --distinct N: only N small files are computed, the others are byte
# copies under their own names (times); 0 computes them all. The window is generated once into --dir
# (/tmp/memory-bench) and reused; merge outputs are deleted after each check unless --keep. Extra JVM options for
# the merge: MERGE_JAVA_OPTS (added to COMPACTOR_JAVA_OPTS, which is how bin/compactor takes JVM options).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

dir=/tmp/memory-bench gb=10 writer=duckdb files=400 large_files=4 distinct=40 modes=unsorted,sorted heap=256m keep=0
while (( $# )); do
  case "$1" in
    --dir) dir=$2; shift ;;
    --gb) gb=$2; shift ;;
    --writer) writer=$2; shift ;;
    --files) files=$2; shift ;;
    --large-files) large_files=$2; shift ;;
    --distinct) distinct=$2; shift ;;
    --modes) modes=$2; shift ;;
    --heap) heap=$2; shift ;;
    --keep) keep=1 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "memory-bench: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
case "$writer" in duckdb|parquet-wasm|hyparquet-writer) ;; *) echo "memory-bench: unknown writer $writer" >&2; exit 2 ;; esac
(( distinct > 0 )) || distinct=$files

classpath_file=operators/target/bench-classpath.txt
mvn -B -q -o -pl operators -am test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile="$root/$classpath_file" >/dev/null
bench_cp="operators/target/test-classes:operators/target/classes:$(cat "$classpath_file")"
bench() { java -XX:+UseParallelGC -Xmx1g -cp "$bench_cp" dev.compactor.bench.MemoryBench "$@"; }

target_bytes=$(awk -v g="$gb" 'BEGIN { printf "%d", g * 1e9 }')
window="$dir/window-$writer-${gb}gb-$files-$large_files"
mkdir -p "$dir"

# ---------------------------------------------------------------- the window (generated once)
# rows per file from the writer's bytes per row, measured on one file of 500,000 rows
calibrate() {
  local c="$dir/calibrate-$writer"
  rm -rf "$c"
  if [[ "$writer" == duckdb ]]; then
    bench generate "$c" 1 500000 0 0 1 1
  else
    node bench/write-window.mjs "$writer" "$c" 1 500000 0 1
  fi
  local bytes
  bytes=$(du -cb "$c"/*.parquet | tail -1 | cut -f1)
  rm -rf "$c"
  echo $(( bytes / 500000 ))
}

if [[ ! -f "$window/.done" ]]; then
  rm -rf "$window"
  bytes_per_row=$(calibrate)
  total_rows=$(( target_bytes / bytes_per_row ))
  if [[ "$writer" == duckdb ]]; then
    large_rows=$(( large_files > 0 ? total_rows / 10 / large_files : 0 ))
    rows=$(( (total_rows - large_rows * large_files) / files ))
    echo "memory-bench: $bytes_per_row B/row; $files files of $rows rows ($distinct computed, the rest copies)" \
         "+ $large_files of $large_rows rows (1 M-row row groups) into $window" >&2
    t0=$(date +%s)
    bench generate "$window" "$files" "$rows" "$large_files" "$large_rows" "$distinct" 2
  else
    # write-window.mjs: one row group per file (up to 1 M rows), SNAPPY; no large files, every file computed
    rows=$(( total_rows / files ))
    echo "memory-bench: $bytes_per_row B/row; $files $writer files of $rows rows into $window" >&2
    t0=$(date +%s)
    node bench/write-window.mjs "$writer" "$window" "$files" "$rows" 0 1
  fi
  echo "memory-bench: generated in $(( $(date +%s) - t0 )) s" >&2
  touch "$window/.done"
fi
inputs=("$window"/*.parquet)
input_bytes=$(du -cb "${inputs[@]}" | tail -1 | cut -f1)
echo "memory-bench: window $window: ${#inputs[@]} files, $(awk -v b="$input_bytes" 'BEGIN { printf "%.2f", b / 1e9 }') GB" >&2

# bin/compactor builds itself when needed; a first merge writes its class-data archive (a user's later merges map
# it), so the measured runs start as a user's usual merge does
probe="$dir/probe"
rm -rf "$probe" && mkdir -p "$probe"
bin/compactor merge --out "$probe/probe.parquet" "${inputs[0]}" >/dev/null
rm -rf "$probe"

# ---------------------------------------------------------------- the merges
results="$dir/results.md"
[[ -f "$results" ]] || {
  echo "| writer | mode | input GB | rows | wall s | GC pauses | max / total GC pause ms | max heap after full GC MB | peak RSS MB | OOM | output rows match |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
} >"$results"

IFS=, read -r -a mode_list <<<"$modes"
for mode in "${mode_list[@]}"; do
  run="$dir/run-$writer-${gb}gb-$mode"
  rm -rf "$run" && mkdir -p "$run/out" "$run/dump" "$run/tmp"
  sort_args=()
  [[ "$mode" == sorted ]] && sort_args=(--sort-column ts)
  # a build bin/compactor starts (sources newer than its jar) is not part of the merge measured
  bin/compactor --help >/dev/null
  echo "memory-bench: merging ($mode, -Xmx$heap) ..." >&2
  java_opts="-Xmx$heap -Xlog:gc*:file=$run/gc.log:uptime,level,tags -XX:+HeapDumpOnOutOfMemoryError"
  # the external sort spills its runs under java.io.tmpdir: kept in the run's directory, deleted with it
  java_opts+=" -XX:HeapDumpPath=$run/dump -Djava.io.tmpdir=$run/tmp ${MERGE_JAVA_OPTS:-}"
  status=0
  start=$(date +%s.%N)
  if [[ -x /usr/bin/time ]]; then
    COMPACTOR_JAVA_OPTS="$java_opts" /usr/bin/time -v -o "$run/time.txt" \
      bin/compactor merge --out "$run/out/merged.parquet" "${sort_args[@]}" "${inputs[@]}" \
      >"$run/stdout" 2>"$run/stderr" || status=$?
    rss_kb=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$run/time.txt")
  else
    COMPACTOR_JAVA_OPTS="$java_opts" bin/compactor merge --out "$run/out/merged.parquet" "${sort_args[@]}" \
      "${inputs[@]}" >"$run/stdout" 2>"$run/stderr" &
    pid=$!
    rss_kb=0
    while kill -0 "$pid" 2>/dev/null; do
      r=$(awk '/VmHWM/ { print $2 }' "/proc/$pid/status" 2>/dev/null || echo 0)
      (( r > rss_kb )) && rss_kb=$r
      sleep 0.2
    done
    wait "$pid" || status=$?
  fi
  wall=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
  cat "$run/stdout" >&2
  tail -n 20 "$run/stderr" >&2

  oom=no
  if grep -q OutOfMemoryError "$run/stdout" "$run/stderr" || compgen -G "$run/dump/*.hprof" >/dev/null; then oom=yes; fi
  # ParallelGC: "[12.345s][info][gc          ] GC(7) Pause Young (Allocation Failure) 80M->12M(245M) 15.102ms"
  read -r pauses max_pause total_pause < <(awk '/\]\[gc +\] GC\([0-9]+\) Pause/ {
      ms = $NF; sub(/ms$/, "", ms); n++; t += ms; if (ms > m) m = ms }
      END { printf "%d %.1f %.1f\n", n, m, t }' "$run/gc.log")
  full_after=$(awk '/\]\[gc +\] GC\([0-9]+\) Pause Full/ { split($0, a, "->"); split(a[2], b, "M"); if (b[1] > m) m = b[1] }
      END { print m + 0 }' "$run/gc.log")
  rows=$(grep -oE '^[0-9,]+ rows' "$run/stdout" | tr -d ', rows' || true)

  match=no
  if (( status == 0 )); then
    echo "memory-bench: checking the output with DuckDB ..." >&2
    bench check "$window/*.parquet" "$run/out/merged*.parquet" | tee "$run/check.txt" >&2 || true
    grep -q '^match yes' "$run/check.txt" && match=yes
    output_bytes=$(du -cb "$run"/out/merged*.parquet | tail -1 | cut -f1)
    echo "memory-bench: output $(awk -v b="$output_bytes" 'BEGIN { printf "%.2f", b / 1e9 }') GB in $(ls "$run"/out/merged*.parquet | wc -l) file(s)" >&2
  else
    echo "memory-bench: the merge failed (exit $status); see $run/stderr, $run/gc.log, $run/dump" >&2
  fi
  printf '| %s | %s | %.2f | %s | %s | %s | %s / %s | %s | %d | %s | %s |\n' "$writer" "$mode" \
    "$(awk -v b="$input_bytes" 'BEGIN { print b / 1e9 }')" "${rows:-failed}" "$wall" "$pauses" "$max_pause" \
    "$total_pause" "$full_after" $(( rss_kb / 1024 )) "$oom" "$match" >>"$results"
  (( keep )) || rm -rf "$run/out"
done
cat "$results"
