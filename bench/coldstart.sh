#!/usr/bin/env bash
# Cold start (issue 19): "file to a started plugin" in a fresh JVM, N times each, for every module given:
#   no-cache    compiled, no code cache
#   cold-cache  an empty cache directory: compiled, then stored (the first start after an upgrade)
#   warm-cache  the entry the cold run stored: loaded instead of compiled (a restart)
# Each run is one `java io.wasmgate.bench.ColdStart` (bench/src/main/java/io/wasmgate/bench/ColdStart.java),
# which prints the time from the module file to a started one-instance plugin, split into parse, code
# (compile or cache) and start (instantiate, the guest's start functions); the script also takes the whole
# process's wall time (JVM start and exit included). The report gives the median of each.
#
#   bench/coldstart.sh                                  # add-header, 5 runs per mode
#   RUNS=3 bench/coldstart.sh path/to/module.wasm[:root_id] ...
#
# Environment: RUNS (default 5), SKIP_BUILD=1 (use bench/target/benchmarks.jar as it is), OUT (report file,
# default bench/results/<date>-coldstart.md; raw lines in <report>.raw.tsv), JAVA_OPTS (default -Xmx1g).
set -euo pipefail

cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
OUT=${OUT:-bench/results/$(date -u +%Y-%m-%d-%H%M)-coldstart.md}
RAW="${OUT%.md}.raw.tsv"
BENCH_JAR=bench/target/benchmarks.jar
read -r -a JVM <<<"java ${JAVA_OPTS:--Xmx1g}"
MODULES=("$@")
[ ${#MODULES[@]} -gt 0 ] || MODULES=("sample-policies/src/main/resources/wasmgate/policies/add-header.wasm:add_header")

source bench/lib.sh

if [ "${SKIP_BUILD:-}" != 1 ]; then
  echo "building $BENCH_JAR"
  mvn -B -q -o package -pl bench -am -DskipTests >/dev/null || die "build failed"
fi
[ -f "$BENCH_JAR" ] || die "no $BENCH_JAR; build it or drop SKIP_BUILD"

CACHE_ROOT=$(mktemp -d "${TMPDIR:-/tmp}/wasmgate-coldstart.XXXXXX")
trap 'rm -rf "$CACHE_ROOT"; stop_all' EXIT
mkdir -p "$(dirname "$OUT")"
printf 'module\tmode\trun\twall_ms\ttotal_ms\tload_ms\tparse_ms\tcode_ms\tstart_ms\tcode\tcpu_ms\n' >"$RAW"

# once MODULE ROOT_ID MODE RUN CACHE_DIR: one fresh JVM, one line appended to $RAW
once() {
  local module=$1 root=$2 mode=$3 run=$4 cache=$5 t0 t1 line
  t0=$(date +%s%N)
  line=$("${JVM[@]}" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$BENCH_JAR" io.wasmgate.bench.ColdStart \
    "$module" "$cache" "$root" 2>"$CACHE_ROOT/stderr" | grep '^coldstart ') \
    || { cat "$CACHE_ROOT/stderr" >&2; die "ColdStart failed on $module ($mode)"; }
  t1=$(date +%s%N)
  awk -v m="${module##*/}" -v mode="$mode" -v run="$run" -v wall="$(( (t1 - t0) / 1000000 ))" '{
      for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
      printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", m, mode, run, wall, v["total_ms"], v["load_ms"],
        v["parse_ms"], v["code_ms"], v["start_ms"], v["code"], v["cpu_ms"] }' <<<"$line" >>"$RAW"
  tail -1 "$RAW"
}

for spec in "${MODULES[@]}"; do
  module=${spec%%:*}
  root=""
  [[ $spec == *:* ]] && root=${spec#*:}
  [ -f "$module" ] || die "no such module: $module"
  for run in $(seq "$RUNS"); do
    once "$module" "$root" no-cache "$run" -
    cache="$CACHE_ROOT/$run-${module##*/}"
    once "$module" "$root" cold-cache "$run" "$cache"
    once "$module" "$root" warm-cache "$run" "$cache"
  done
done

{
  echo "# Cold start: file to a started plugin, fresh JVM"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(java -version 2>&1 | head -1), ${JVM[*]}, $RUNS runs per mode;"
  echo "medians in ms. wall: the whole java process; total = load (parse + code) + start, inside the JVM;"
  echo "cpu: the CPU time of the thread that did it (steadier than the wall times when other work shares the cores)."
  echo
  echo "| module | mode | wall | total | parse | code | start | cpu | code from |"
  echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
  awk -F'\t' 'NR > 1 { key = $1 "\t" $2; if (!(key in seen)) { order[++n] = key; seen[key] = 1 }
      c = ++count[key]; wall[key, c] = $4; total[key, c] = $5; parse[key, c] = $7; code[key, c] = $8;
      start[key, c] = $9; from[key] = $10; cpu[key, c] = $11 }
    function median(a, key, c,   i, j, t, v) { for (i = 1; i <= c; i++) v[i] = a[key, i]
      for (i = 1; i <= c; i++) for (j = i + 1; j <= c; j++) if (v[j] + 0 < v[i] + 0) { t = v[i]; v[i] = v[j]; v[j] = t }
      return c % 2 ? v[(c + 1) / 2] : (v[c / 2] + v[c / 2 + 1]) / 2 }
    END { for (k = 1; k <= n; k++) { key = order[k]; c = count[key]; split(key, p, "\t")
      printf "| %s | %s | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f | %s |\n", p[1], p[2], median(wall, key, c),
        median(total, key, c), median(parse, key, c), median(code, key, c), median(start, key, c),
        median(cpu, key, c), from[key] } }' "$RAW"
  echo
  echo "Raw runs: ${RAW#bench/results/}"
} >"$OUT"
cat "$OUT"
