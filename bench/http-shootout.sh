#!/usr/bin/env bash
# HTTP server shootout for the model server: the JDK's HttpServer vs Jetty 12 vs Undertow, same two
# endpoints (serving/src/test/java/.../bench/HttpServerShootout.java), driven by wrk on loopback only.
# Prints a markdown table for docs/benchmarks.md. Takes about 75 s per server. Needs wrk (apt-get install wrk).
#
#   bench/http-shootout.sh                              # jdk:0 (dispatcher thread), jdk, jetty, undertow
#   SERVERS="jdk:2 jdk:16 jetty:16" bench/http-shootout.sh   # kind[:threads], see HttpServerShootout
#   DURATION=15s DURATION_1C=10s WARMUP=5s PORT=18080 QUIET_WAIT=120 JAVA_OPTS="-Xms256m -Xmx256m"
# Rows measured while something else used the CPU (idle < 90% just before or after) are marked busy.
set -euo pipefail
cd "$(dirname "$0")/.."

SERVERS=${SERVERS:-"jdk:0 jdk jetty undertow"}
DURATION=${DURATION:-15s}
DURATION_1C=${DURATION_1C:-10s}
WARMUP=${WARMUP:-5s}
PORT=${PORT:-18080}
QUIET_WAIT=${QUIET_WAIT:-120}
JAVA_OPTS=${JAVA_OPTS:-"-Xms256m -Xmx256m"}
# shellcheck source=bench/wrk-lib.sh
. bench/wrk-lib.sh

# Build only serving (core comes from ~/.m2) and its test classpath.
mvn -pl serving test-compile
mvn -pl serving dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$work/cp.txt"
cp="serving/target/test-classes:$(cat "$work/cp.txt")"

cat >"$work/post.lua" <<'EOF'
wrk.method = "POST"
wrk.body = '{"instances":[{"a":1.0,"b":2.0,"c":"x"}]}'
wrk.headers["Content-Type"] = "application/json"
EOF
url=http://127.0.0.1:$PORT

# run CONNECTIONS THREADS DURATION ENDPOINT -> "req/s|p50|p99|errors"
run() { bench_wrk "$1" "$2" "$3" "$work/post.lua" "$url$4"; }

echo "before: $(uptime)" >&2
rows=()
for spec in $SERVERS; do
  kind=${spec%%:*}; threads=; [[ $spec == *:* ]] && threads=${spec#*:}
  # Wait (up to QUIET_WAIT s) for the machine to be quiet; rows measured on a busy machine say so.
  idle=$(bench_wait_quiet "$QUIET_WAIT")
  echo "$spec: CPU idle before start $idle" >&2
  # shellcheck disable=SC2086
  java $JAVA_OPTS -cp "$cp" io.jenkins.plugins.modelops.serving.bench.HttpServerShootout \
    "$kind" "$PORT" $threads >"$work/server.log" 2>&1 &
  pid=$!
  for _ in $(seq 100); do grep -q READY "$work/server.log" && break; sleep 0.1; done
  grep READY "$work/server.log" >&2 || { cat "$work/server.log" >&2; exit 1; }
  for ep in /noop /json; do
    [[ $(curl -s -X POST -d '{"instances":[{"a":1.0,"b":2.0}]}' "$url$ep") == {* ]] || { echo "$spec $ep: bad answer" >&2; exit 1; }
    run 16 2 "$WARMUP" "$ep" >/dev/null
  done
  for ep in /noop /json; do
    rows+=("$spec|$ep|16|$(run 16 2 "$DURATION" "$ep")")
    rows+=("$spec|$ep|1|$(run 1 1 "$DURATION_1C" "$ep")")
  done
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
  after=$(bench_idle); echo "$spec: CPU idle after stop $after" >&2
  ((${idle%\%} >= 90 && ${after%\%} >= 90)) || for ((i = ${#rows[@]} - 4; i < ${#rows[@]}; i++)); do
    rows[i]="${rows[i]/#$spec|/$spec (busy: idle $idle/$after)|}"
  done
done
echo "after: $(uptime); CPU idle $(bench_idle)" >&2

echo "| server | endpoint | connections | req/s | p50 | p99 | errors |"
echo "|---|---|---:|---:|---:|---:|---:|"
for r in "${rows[@]}"; do echo "| ${r//|/ | } |"; done
