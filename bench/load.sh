#!/usr/bin/env bash
# Load on the model server (issue 14): single-row v1 predict, 30 s at 32 connections (0 errors, RSS flat) and 60 s at
# about 1,000 requests/s (0 errors), on a 256 MiB heap as a small pod would give it. RSS is sampled from /proc every
# second. 127.0.0.1 only; about 2 minutes. Needs wrk, curl, an Iris bundle (modelops train --data examples/iris.csv
# --label species --out DIR) and serving/target/modelops-serving.jar (./mvnw -pl serving -am package).
#   BUNDLE=target/iris bench/load.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BUNDLE=${BUNDLE:?an Iris bundle directory}
PORT=${PORT:-18314}
JAVA_OPTS=${JAVA_OPTS:-"-Xms256m -Xmx256m -XX:+ExitOnOutOfMemoryError"}
work=$(mktemp -d)
pid=
trap '[[ -n $pid ]] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT

row='{\"instances\": [{\"sepal_length\":5.1,\"sepal_width\":3.5,\"petal_length\":1.4,\"petal_width\":0.2}]}'
lua() { # DELAY_MS -> a wrk script: POST one row, wait DELAY_MS between requests of a connection (0: none)
  cat <<LUA
wrk.method = "POST"
wrk.body = "$row"
wrk.headers["Content-Type"] = "application/json"
${1:+function delay() return $1 end}
done = function(summary, latency, requests)
  io.write(string.format("requests %d  req/s %.0f  p50 %.3f ms  p99 %.3f ms  p99.9 %.3f ms  errors %d (non-2xx %d)\n",
    summary.requests, summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, latency:percentile(99.9) / 1000, summary.errors.status + summary.errors.connect
    + summary.errors.read + summary.errors.write + summary.errors.timeout, summary.errors.status))
end
LUA
}
lua "" >"$work/full.lua"
lua 10 >"$work/paced.lua"

rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$pid/status"; }
sample_rss() { # SECONDS FILE: one RSS reading (KiB) a second
  for _ in $(seq "$1"); do rss_kib >>"$2"; sleep 1; done
}
summary_rss() { # FILE -> first, min, max, last in MiB
  awk '{v[NR]=$1} END {min=v[1]; max=v[1]; for (i=1;i<=NR;i++) {if (v[i]<min) min=v[i]; if (v[i]>max) max=v[i]}
    printf "RSS MiB first %.0f  min %.0f  max %.0f  last %.0f (%d samples)", v[1]/1024, min/1024, max/1024, v[NR]/1024, NR}' "$1"
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
java $JAVA_OPTS -jar serving/target/modelops-serving.jar --bundle "$BUNDLE" --port "$PORT" --max-threads 64 \
  >"$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 150); do curl -sf "http://127.0.0.1:$PORT/v2/health/ready" >/dev/null && break; sleep 0.2; done
predict="http://127.0.0.1:$PORT/v1/models/$(basename "$BUNDLE"):predict"
wrk -t2 -c32 -d15s -s "$work/full.lua" "$predict" >/dev/null # warm-up: C2 needs 10-15 s under load here

sample_rss 30 "$work/rss-full" &
echo "32 connections, 30 s:  $(wrk -t2 -c32 -d30s -s "$work/full.lua" "$predict" | tail -1)"
wait $!
echo "  $(summary_rss "$work/rss-full")"

sample_rss 60 "$work/rss-paced" &
echo "paced (12 connections, 10 ms apart: over 1,000 req/s), 60 s:  $(wrk -t2 -c12 -d60s -s "$work/paced.lua" "$predict" | tail -1)"
wait $!
echo "  $(summary_rss "$work/rss-paced")"
echo "server: $(grep -c '"status":5' "$work/server.log" || true) logged 5xx; exit on OOM: $(grep -c OutOfMemory "$work/server.log" || true)"
kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
