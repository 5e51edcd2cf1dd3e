#!/usr/bin/env bash
# Where a gateway spends its CPU on one configuration: async-profiler (CPU time, itimer) is loaded into a
# running gateway under wrk load and writes collapsed stacks; the summary splits them into the plugin host
# (abi and the servlet filter, outside the proxied application and the client writes), guest code
# (Chicory), and everything else (Jetty, the proxy, the JVM), and lists the host's costliest methods.
#
#   bench/profile.sh                                     # bench/load/add-header-compiler.yaml
#   bench/profile.sh bench/load/chain.yaml
#   DURATION=30s bench/profile.sh                        # a longer recording
#
# Environment: DURATION (recorded wrk run, default 15s), WARMUP (default 20s), SKIP_BUILD=1 (use the jars
# already in */target), OUT (collapsed stacks, default bench/target/profile-<config>.collapsed).
# async-profiler 4.1 comes from Maven Central (tools.profiler:async-profiler, linux-x64) into
# bench/target/async-profiler/; wrk and curl from Debian if missing. Port 18080 and the configuration's
# ports must be free.
set -euo pipefail

cd "$(dirname "$0")/.."
CONFIG=${1:-bench/load/add-header-compiler.yaml}
DURATION=${DURATION:-15s}
WARMUP=${WARMUP:-20s}
NAME=$(basename "$CONFIG" .yaml)
OUT=${OUT:-bench/target/profile-$NAME.collapsed}
PROFILER_DIR=bench/target/async-profiler
AGENT=$PROFILER_DIR/linux-x64/libasyncProfiler.so
JVM=(java -Xms1g -Xmx1g -XX:+UseG1GC -XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints)

source bench/lib.sh

# jcmd splits its arguments at '=', so the agent's options go in quotes of their own
agent() {
  jcmd "$1" JVMTI.agent_load "$PWD/$AGENT" "\"$2\"" >/dev/null
}

summarize() {
  awk '
    { n = $NF; total += n; sub(/ [0-9]+$/, ""); depth = split($0, f, ";")
      host = 0; app = 0; guest = 0
      for (i = 1; i <= depth; i++) {
        if (f[i] ~ /FilterChainRun\.invokeApplication|ApplicationAsyncContext\.complete|ResponseSink\.write/ \
            || (app > 0 && i == app + 1 && f[i] ~ /FilterChainRun(\$\$Lambda|\.lambda\$)/)) { app = i }
        if (f[i] ~ /^io\/wasmgate\/(abi|filter)\//) { host = i }
        if (f[i] ~ /^com\/dylibso\/chicory\//) { guest = i }
      }
      if (guest > 0 && host > 0 && host < guest && guest > app) { guests += n }
      else if (host > app) { hosts += n; m = f[host]; sub(/.*\//, "", m); cost[m] += n }
    }
    END {
      if (total == 0) { print "no samples"; exit 1 }
      printf "samples: %d\nplugin host (abi + filter, outside the application): %.1f%%\nguest code (Chicory): %.1f%%\n", total, 100 * hosts / total, 100 * guests / total
      print "costliest host methods (self, with the JDK and Jetty code they call):"
      for (m in cost) printf "%6.2f%%  %s\n", 100 * cost[m] / total, m | "sort -rn | head -15"
    }' "$OUT"
}

main() {
  install_tools
  command -v jcmd >/dev/null || die "jcmd not found (it comes with the JDK)"
  [ -f "$CONFIG" ] || die "no configuration $CONFIG"
  if [ "${SKIP_BUILD:-}" != 1 ]; then
    mvn -q -DskipTests package -pl jetty-gateway,bench -am
  fi
  if [ ! -f "$AGENT" ]; then
    mvn -q org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
      -Dartifact=tools.profiler:async-profiler:4.1:jar:linux-x64 -DoutputDirectory="$PROFILER_DIR"
    (cd "$PROFILER_DIR" && jar xf async-profiler-4.1-linux-x64.jar linux-x64/libasyncProfiler.so)
  fi
  local port
  port=$(listen_port "$CONFIG")
  mkdir -p "$(dirname "$OUT")"
  start upstream 18080 http://127.0.0.1:18080/ "$OUT.upstream.log" \
    "${JVM[@]}" -cp bench/target/benchmarks.jar io.wasmgate.bench.load.LoadUpstream 18080
  # the gateway as load.sh starts it: huge guest methods JIT-compiled, plugin info lines dropped
  start gateway "$port" "http://127.0.0.1:$((port + 1000))/ready" "$OUT.gateway.log" \
    "${JVM[@]}" -XX:-DontCompileHugeMethods -Dorg.slf4j.simpleLogger.log.wasmgate.plugin=warn -jar jetty-gateway/target/jetty-gateway.jar --config "$CONFIG"
  local gateway=${PID_ON_PORT[$port]}

  echo "warm-up: $WARMUP at 16 connections"
  wrk -t2 -c16 -d"$WARMUP" -H 'x-api-key: k-load-0123456789' "http://127.0.0.1:$port/" >/dev/null
  agent "$gateway" "start,event=itimer,interval=500us"
  wrk -t2 -c16 -d"$DURATION" -H 'x-api-key: k-load-0123456789' "http://127.0.0.1:$port/" | grep 'Requests/sec'
  agent "$gateway" "stop,collapsed,file=$PWD/$OUT"
  [ -s "$OUT" ] || die "async-profiler wrote no stacks; see $OUT.gateway.log"
  echo "collapsed stacks (one stack and its sample count per line, for flame-graph tools): $OUT"
  summarize
}

main "$@"
