#!/usr/bin/env bash
# Tail latency of the model server (issue 14): single-row v1 predict against the no-op endpoint on the same server,
# at 16 and 1 connections, p50/p99/p99.9 from wrk, and the server's GC pauses (-Xlog:gc) over the whole run. With
# BASE_JAR, the same for another build of the server first (e.g. of an earlier commit), for a before/after in one
# sitting. 127.0.0.1 only; about 1 minute per server. Needs wrk, curl, an Iris bundle (modelops train --data
# examples/iris.csv --label species --out DIR) and serving/target/modelops-serving.jar (./mvnw -pl serving -am package).
#   BUNDLE=target/iris bench/tail.sh
#   BUNDLE=target/iris BASE_JAR=/tmp/base/modelops-serving.jar DURATION=8s WARMUP=15s PORT=18313 bench/tail.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BUNDLE=${BUNDLE:?an Iris bundle directory}
DURATION=${DURATION:-8s}
WARMUP=${WARMUP:-15s}
PORT=${PORT:-18313}
JAVA_OPTS=${JAVA_OPTS:-"-Xms256m -Xmx256m"}
work=$(mktemp -d)
pid=
trap '[[ -n $pid ]] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT

row='{\"instances\": [{\"sepal_length\":5.1,\"sepal_width\":3.5,\"petal_length\":1.4,\"petal_width\":0.2}]}'
cat >"$work/post.lua" <<LUA
wrk.method = "POST"
wrk.body = "$row"
wrk.headers["Content-Type"] = "application/json"
done = function(summary, latency, requests)
  io.write(string.format("req/s %.0f  p50 %.3f ms  p99 %.3f ms  p99.9 %.3f ms  errors %d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency:percentile(99.9) / 1000, summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout))
end
LUA

run() { # NAME JAR
  java $JAVA_OPTS -Xlog:gc:file="$work/gc-$1.log" -jar "$2" --bundle "$BUNDLE" --port "$PORT" --noop-endpoint \
    >"$work/server-$1.log" 2>&1 &
  pid=$!
  for _ in $(seq 150); do curl -sf "http://127.0.0.1:$PORT/v2/health/ready" >/dev/null && break; sleep 0.2; done
  local predict="http://127.0.0.1:$PORT/v1/models/iris:predict" noop="http://127.0.0.1:$PORT/v2/noop"
  wrk -t2 -c16 -d"$WARMUP" -s "$work/post.lua" "$predict" >/dev/null
  wrk -t2 -c16 -d5s -s "$work/post.lua" "$noop" >/dev/null
  for c in 16 1; do
    local t=$(( c == 1 ? 1 : 2 ))
    echo "$1 noop    c=$c  $(wrk -t$t -c$c -d"$DURATION" -s "$work/post.lua" "$noop" | tail -1)"
    echo "$1 predict c=$c  $(wrk -t$t -c$c -d"$DURATION" -s "$work/post.lua" "$predict" | tail -1)"
  done
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
  local pauses; pauses=$(grep -o 'Pause Young.*[0-9.]*ms' "$work/gc-$1.log" | tail -3 | sed 's/.*) //' | paste -sd ';' -)
  echo "$1 GC: $(grep -c 'Pause' "$work/gc-$1.log") pauses, $(grep -o '[0-9.]*ms$' "$work/gc-$1.log" | tr -d ms \
    | awk '{s+=$1} END {printf "%.0f", s}') ms in all; the last young ones: $pauses"
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
[[ -n ${BASE_JAR:-} ]] && run base "$BASE_JAR"
run head serving/target/modelops-serving.jar
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
