#!/usr/bin/env bash
# Load test of the gateway (issues 8, 19): wrk against a Jetty upstream, directly and through the gateway
# with no plugin, with one policy (add-header) on each engine, with a three-policy chain, and with the Rust
# and Go SDKs' http_headers examples. Every variant runs
# at 1 and 16 connections, interleaved, ROUNDS rounds; the report gives the median req/s, p50 and p99 of
# each, its throughput ratio to "gateway, no plugin", and the CPU time the serving process (the gateway,
# or the upstream for "direct") spent per request, which the other processes on the cores disturb less.
#
#   bench/load.sh                      # build, then measure: ~7 minutes with the defaults
#   DURATION=5s ROUNDS=1 bench/load.sh # a quick look
#   ONLY="gateway-none rust-compiler" bench/load.sh  # some variants (the first listed below is the baseline)
#
# Environment: DURATION (per run, default 10s), WARMUP (per variant, before the rounds, default 15s),
# ROUNDS (default 3), SKIP_BUILD=1 (use the jars already in */target), OUT (report file, default
# bench/results/<date>-load.md; the raw wrk output goes next to it in <report>.raw/), HEADERS=browser
# (each request also carries the 12 headers a browser sends with a page request, cookie included;
# default: only the api key, as in the issues' targets).
# Ports used on 127.0.0.1: 18080 (upstream), 18081-18086 (gateways), 19081-19086 (their admin ports).
# Gateways run as the README starts one (-XX:-DontCompileHugeMethods), with plugin log lines below WARN
# dropped: the SDK examples log every header at INFO.
set -euo pipefail

cd "$(dirname "$0")/.."
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-15s}
ROUNDS=${ROUNDS:-3}
OUT=${OUT:-bench/results/$(date -u +%Y-%m-%d-%H%M)-load.md}
RAW="${OUT%.md}.raw"
GATEWAY_JAR=jetty-gateway/target/jetty-gateway.jar
BENCH_JAR=bench/target/benchmarks.jar
JVM=(java -Xms1g -Xmx1g -XX:+UseG1GC)
GATEWAY_JVM=("${JVM[@]}" -XX:-DontCompileHugeMethods -Dorg.slf4j.simpleLogger.log.wasmgate.plugin=warn)

# variant name, port, description, gateway configuration (bench/load/<name>.yaml; none for "direct") and a
# response header that shows its plugins ran; the first is the baseline of the ratios
ALL_VARIANTS=(
  "gateway-none|18081|gateway, no plugin|none|"
  "direct|18080|upstream direct (no gateway)||"
  "add-header-compiler|18082|gateway, add-header, compiler|add-header-compiler|x-wasmgate: hello"
  "add-header-interpreter|18083|gateway, add-header, interpreter|add-header-interpreter|x-wasmgate: hello"
  "chain-compiler|18084|gateway, api-key + rate-limit + headers, compiler|chain|x-content-type-options: nosniff"
  "rust-compiler|18085|gateway, Rust SDK http_headers, compiler|rust-compiler|"
  "go-compiler|18086|gateway, Go SDK http_headers, compiler|go-compiler|x-proxy-wasm-go-sdk-example: http_headers"
)
VARIANTS=()
for entry in "${ALL_VARIANTS[@]}"; do
  [ -z "${ONLY:-}" ] || [[ " $ONLY " == *" ${entry%%|*} "* ]] && VARIANTS+=("$entry")
done
CONNECTIONS=(1 16)

source bench/lib.sh

REQUEST_HEADERS=(-H 'x-api-key: k-load-0123456789')
if [ "${HEADERS:-}" = browser ]; then
  REQUEST_HEADERS+=(
    -H 'User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36'
    -H 'Accept: text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8'
    -H 'Accept-Language: en-US,en;q=0.9' -H 'Accept-Encoding: gzip, deflate, br' -H 'Cache-Control: no-cache'
    -H 'Pragma: no-cache' -H 'Sec-Fetch-Dest: document' -H 'Sec-Fetch-Mode: navigate' -H 'Sec-Fetch-Site: none'
    -H 'Upgrade-Insecure-Requests: 1' -H 'Cookie: session=abcdef0123456789; theme=dark; lang=en'
    -H 'X-Request-Id: 6f1c2d3e-4b5a-6978-8a9b-0c1d2e3f4a5b')
elif [ -n "${HEADERS:-}" ]; then
  die "HEADERS=$HEADERS: only 'browser' is known"
fi

# check_response PORT HEADER: one request must answer 200 and, if HEADER is set, carry it (the policy ran)
check_response() {
  local port=$1 header=$2 response
  response=$(curl -s -i -H 'x-api-key: k-load-0123456789' "http://127.0.0.1:$port/")
  [[ $response == "HTTP/1.1 200"* ]] || die "port $port answered: ${response%%$'\r'*}"
  [ -z "$header" ] || grep -qi "^$header" <<<"$response" || die "port $port: no $header header; policy not applied?"
}

# to_us VALUE: wrk's latency (12.3us, 1.2ms, 1.0s) in microseconds
to_us() {
  awk -v v="$1" 'BEGIN { n = v + 0; u = v; sub(/^[0-9.]+/, "", u);
    if (u == "ms") n *= 1000; else if (u == "s") n *= 1000000; else if (u == "m") n *= 60000000;
    printf "%.1f", n }'
}

# cpu_ticks PID: user + system CPU time of a process so far, in clock ticks
cpu_ticks() {
  sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'
}

# run VARIANT PORT CONNECTIONS ROUND: one wrk run, one line appended to $RAW/runs.tsv
run() {
  local variant=$1 port=$2 conns=$3 round=$4 threads=2 file pid before after
  [ "$conns" -ge 2 ] || threads=1
  file="$RAW/$variant-c$conns-r$round.txt"
  pid=${PID_ON_PORT[$port]}
  before=$(cpu_ticks "$pid")
  wrk -t"$threads" -c"$conns" -d"$DURATION" --latency "${REQUEST_HEADERS[@]}" "http://127.0.0.1:$port/" >"$file"
  after=$(cpu_ticks "$pid")
  local rps p50 p99 bad requests cpu
  rps=$(awk '/^Requests\/sec:/ { print $2 }' "$file")
  requests=$(awk '/ requests in / { print $1 }' "$file")
  p50=$(to_us "$(awk '$1 == "50%" { print $2 }' "$file")")
  p99=$(to_us "$(awk '$1 == "99%" { print $2 }' "$file")")
  bad=$(awk '/Non-2xx or 3xx responses:/ { n += $NF } /Socket errors:/ { n += 1 } END { print n + 0 }' "$file")
  [ -n "$rps" ] && [ -n "$requests" ] || die "no result in $file"
  cpu=$(awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" -v n="$requests" 'BEGIN { printf "%.1f", t * 1e6 / hz / n }')
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$variant" "$conns" "$round" "$rps" "$p50" "$p99" "$bad" "$cpu" >>"$RAW/runs.tsv"
  printf '  %-24s c=%-3s %10s req/s  p50 %8s us  p99 %9s us  cpu %6s us/req  errors %s\n' "$variant" "$conns" "$rps" "$p50" "$p99" "$cpu" "$bad"
}

report() {
  {
    echo "# Load test, $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    echo "\`bench/load.sh\` at commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- abi jetty-gateway wasm-servlet-filter sample-policies || echo ' (with uncommitted changes)')."
    echo "Machine: $(nproc) cores ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)), $(java -version 2>&1 | head -1)."
    echo "Gateway JVMs: \`${GATEWAY_JVM[*]:1}\`."
    echo "wrk, upstream and gateways share the cores. $ROUNDS rounds of $DURATION per variant and connection count, interleaved,"
    echo "after a $WARMUP warm-up per variant; medians of the rounds. Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
    echo "Request headers: $([ "${HEADERS:-}" = browser ] && echo "the api key and 12 a browser sends (HEADERS=browser)" || echo "the api key only")."
    echo "Same-round ratios divide each run by the no-plugin run of the same round and connection count, which"
    echo "ran seconds before it, so they drift less with the machine than the ratio of the medians."
    echo "CPU per request is the user and system time of the serving process (the gateway; the upstream for"
    echo "\"direct\") during the run, divided by the requests wrk completed; the column after it is its excess"
    echo "over the no-plugin gateway: what the plugins cost, in gateway CPU."
    echo
    echo "| variant | connections | req/s | ratio to gateway, no plugin | same-round ratios: median (range) | p50 (µs) | p99 (µs) | p50 over no plugin (µs) | CPU per request (µs) | CPU over no plugin (µs) | errors |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    awk -F'\t' -v order="$(printf '%s\n' "${VARIANTS[@]}" | cut -d'|' -f1,3 | paste -sd';')" '
      function median(list,   a, n, i, j, t) {
        n = split(list, a, " ")
        for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
        return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
      }
      { key = $1 SUBSEP $2; rps[key] = rps[key] " " $4; p50[key] = p50[key] " " $5; p99[key] = p99[key] " " $6; bad[key] += $7
        cpu[key] = cpu[key] " " $8
        round[$1 SUBSEP $2 SUBSEP $3] = $4 }
      END {
        n = split(order, variants, ";")
        split(variants[1], first, "|"); baseline = first[1]
        for (c = 1; c <= 2; c++) {
          conns = c == 1 ? 1 : 16
          base = baseline SUBSEP conns
          for (i = 1; i <= n; i++) {
            split(variants[i], v, "|"); key = v[1] SUBSEP conns
            if (!(key in rps)) continue
            ratios = ""; lo = 1e9; hi = 0
            for (r = 1; (v[1] SUBSEP conns SUBSEP r) in round; r++) {
              q = round[v[1] SUBSEP conns SUBSEP r] / round[baseline SUBSEP conns SUBSEP r]
              ratios = ratios " " q; if (q < lo) lo = q; if (q > hi) hi = q
            }
            printf "| %s | %d | %.0f | %.3f | %.3f (%.3f-%.3f) | %.0f | %.0f | %+.0f | %.1f | %s | %d |\n", v[2], conns, median(rps[key]),
              median(rps[key]) / median(rps[base]), median(ratios), lo, hi, median(p50[key]), median(p99[key]),
              median(p50[key]) - median(p50[base]), median(cpu[key]),
              v[1] == "direct" ? "" : sprintf("%+.1f", median(cpu[key]) - median(cpu[base])), bad[key]
          }
        }
      }' "$RAW/runs.tsv"
    echo
    echo "Raw wrk output of every run: \`$RAW/\`."
  } >"$OUT"
}

main() {
  install_tools
  command -v java >/dev/null || die "java not found"
  if [ "${SKIP_BUILD:-}" != 1 ]; then
    echo "building the gateway and the bench jar"
    mvn -q -DskipTests package -pl jetty-gateway,bench -am
  fi
  [ -f "$GATEWAY_JAR" ] && [ -f "$BENCH_JAR" ] || die "missing $GATEWAY_JAR or $BENCH_JAR (run without SKIP_BUILD)"
  mkdir -p "$RAW"
  : >"$RAW/runs.tsv"

  start upstream 18080 http://127.0.0.1:18080/ "$RAW/upstream.log" \
    "${JVM[@]}" -cp "$BENCH_JAR" io.wasmgate.bench.load.LoadUpstream 18080
  [[ ${VARIANTS[0]} == gateway-none\|* ]] || die "ONLY must name gateway-none first: it is the baseline"
  local entry name port config header
  for entry in "${VARIANTS[@]}"; do
    IFS='|' read -r name port _ config _ <<<"$entry"
    [ -n "$config" ] || continue
    start "gateway-$config" "$port" "http://127.0.0.1:$((port + 1000))/ready" "$RAW/gateway-$config.log" \
      "${GATEWAY_JVM[@]}" -jar "$GATEWAY_JAR" --config "bench/load/$config.yaml"
  done
  for entry in "${VARIANTS[@]}"; do
    IFS='|' read -r name port _ _ header <<<"$entry"
    check_response "$port" "$header"
  done

  echo "warm-up: $WARMUP per variant at 16 connections"
  for entry in "${VARIANTS[@]}"; do
    IFS='|' read -r name port _ <<<"$entry"
    wrk -t2 -c16 -d"$WARMUP" "${REQUEST_HEADERS[@]}" "http://127.0.0.1:$port/" >/dev/null
  done
  local round conns
  for round in $(seq "$ROUNDS"); do
    echo "round $round of $ROUNDS"
    for conns in "${CONNECTIONS[@]}"; do
      for entry in "${VARIANTS[@]}"; do
        IFS='|' read -r name port _ <<<"$entry"
        run "$name" "$port" "$conns" "$round"
      done
    done
  done
  report
  echo
  cat "$OUT"
}

main "$@"
