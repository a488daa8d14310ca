#!/usr/bin/env bash
# Model server benchmark for docs/benchmarks.md. On 127.0.0.1 only; about 6 minutes; stops everything on exit.
#  1. In-process floors (serving/src/test/.../bench/InProcessBench.java, single thread): Tribuo predict of one row
#     and of a batch, the server's encode+predict path without HTTP, and ONNX Runtime on Tribuo's ONNX export of the
#     same logistic model.
#  2. The server (java -jar serving/target/modelops-serving.jar --noop-endpoint) under wrk: the no-op endpoint
#     (POST /v2/noop: same Jetty stack and body read, no model), v1 predict of 1 instance and of BATCH instances, at
#     16 connections and at 1 connection (--latency), ROUNDS rounds interleaved, medians reported. For the Iris
#     logistic bundle and an Iris XGBoost bundle (with the server's RSS before and after, to show it stays flat).
# Prints a markdown report with the goals' ratios. Rows measured while the CPU was busy (idle < 90% before or after
# a model's runs) are marked busy.
#   bench/serving.sh
#   DURATION=10s DURATION_1C=8s WARMUP=3s ROUNDS=2 BATCH=100 INPROC_SECONDS=3 PORT=18280 QUIET_WAIT=120 bench/serving.sh
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10s}
DURATION_1C=${DURATION_1C:-8s}
WARMUP=${WARMUP:-3s}
ROUNDS=${ROUNDS:-2}
BATCH=${BATCH:-100}
INPROC_SECONDS=${INPROC_SECONDS:-3}
PORT=${PORT:-18280}
QUIET_WAIT=${QUIET_WAIT:-120}
JAVA_OPTS=${JAVA_OPTS:-"-Xms256m -Xmx256m"}
# shellcheck source=bench/wrk-lib.sh
. bench/wrk-lib.sh

# Build: modelops.jar to train, the server jar, serving's test classpath.
mvn install -pl core,serving,cli -DskipTests
mvn -pl serving test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$work/cp.txt"
cp="serving/target/test-classes:serving/target/classes:$(cat "$work/cp.txt")"

java -jar cli/target/modelops.jar train --data examples/iris.csv --label species --out "$work/iris" >/dev/null 2>&1
java -jar cli/target/modelops.jar train --data examples/iris.csv --label species --algorithm xgboost \
  --out "$work/iris-xgb" >/dev/null 2>&1

row='{"sepal_length":5.1,"sepal_width":3.5,"petal_length":1.4,"petal_width":0.2}'
rows=$row; for ((i = 1; i < BATCH; i++)); do rows+=",$row"; done
for kind in one batch; do
  body=$([[ $kind == one ]] && echo "{\"instances\":[$row]}" || echo "{\"instances\":[$rows]}")
  printf 'wrk.method = "POST"\nwrk.body = %s\nwrk.headers["Content-Type"] = "application/json"\n' \
    "'$body'" >"$work/$kind.lua"
done

declare -A inproc
echo "before: $(uptime)" >&2
for model in iris iris-xgb; do
  idle=$(bench_wait_quiet "$QUIET_WAIT")
  echo "$model in-process: CPU idle before $idle" >&2
  # shellcheck disable=SC2086
  java $JAVA_OPTS -cp "$cp" io.jenkins.plugins.modelops.serving.bench.InProcessBench "$work/$model" examples/iris.csv \
    "$INPROC_SECONDS" "$BATCH" 2>/dev/null | tee "$work/inproc-$model.txt" >&2
  while read -r name rps p50; do inproc[$model.$name]="$rps|$p50"; done < <(grep -v agreement "$work/inproc-$model.txt")
  inproc[$model.agreement]=$(awk '/agreement/ {print $2}' "$work/inproc-$model.txt")
done

declare -A http
rss() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }
median() { sort -n | awk '{v[NR] = $1} END {print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
for model in iris iris-xgb; do
  idle=$(bench_wait_quiet "$QUIET_WAIT")
  echo "$model server: CPU idle before start $idle" >&2
  # shellcheck disable=SC2086
  java $JAVA_OPTS -jar serving/target/modelops-serving.jar --bundle "$work/$model" --host 127.0.0.1 --port "$PORT" \
    --noop-endpoint >"$work/server-$model.log" 2>&1 &
  pid=$!
  for _ in $(seq 200); do curl -sf "http://127.0.0.1:$PORT/v2/health/ready" >/dev/null && break; sleep 0.1; done
  curl -sf "http://127.0.0.1:$PORT/v2/health/ready" >/dev/null || { cat "$work/server-$model.log" >&2; exit 1; }
  declare -A eps=([noop]="/v2/noop one" [predict]="/v1/models/$model:predict one" [batch]="/v1/models/$model:predict batch")
  for ep in noop predict batch; do
    read -r path lua <<<"${eps[$ep]}"
    bench_wrk 16 2 "$WARMUP" "$work/$lua.lua" "http://127.0.0.1:$PORT$path" >/dev/null
  done
  http[$model.rss_start]=$(rss "$pid") # after warm-up: the heap has grown to its working size
  for ((r = 0; r < ROUNDS; r++)); do
    for ep in noop predict batch; do
      read -r path lua <<<"${eps[$ep]}"
      http[$model.$ep.16.$r]=$(bench_wrk 16 2 "$DURATION" "$work/$lua.lua" "http://127.0.0.1:$PORT$path")
      http[$model.$ep.1.$r]=$(bench_wrk 1 1 "$DURATION_1C" "$work/$lua.lua" "http://127.0.0.1:$PORT$path")
      echo "$model $ep round $r: 16c ${http[$model.$ep.16.$r]}, 1c ${http[$model.$ep.1.$r]}" >&2
    done
  done
  http[$model.rss_end]=$(rss "$pid")
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
  after=$(bench_idle); echo "$model server: CPU idle after stop $after" >&2
  http[$model.busy]=""
  ((${idle%\%} >= 90 && ${after%\%} >= 90)) || http[$model.busy]=" (busy: idle $idle/$after)"
done
echo "after: $(uptime); CPU idle $(bench_idle)" >&2

# field MODEL EP CONNS INDEX(1 rps, 2 p50, 3 p99, 4 errors) -> median over rounds (latencies in ms)
field() {
  for ((r = 0; r < ROUNDS; r++)); do
    v=$(cut -d'|' -f"$4" <<<"${http[$1.$2.$3.$r]}")
    [[ $4 == 2 || $4 == 3 ]] && v=$(bench_ms "$v")
    echo "$v"
  done | median
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }

echo "### In-process floors (single thread, rows/s and median call time)"
echo
echo "| model | measurement | rows/s | p50 per call |"
echo "|---|---|---:|---:|"
for model in iris iris-xgb; do
  for name in tribuo-single predictor-single tribuo-batch predictor-batch onnx-single onnx-batch; do
    [[ -n ${inproc[$model.$name]:-} ]] || continue
    IFS='|' read -r rps p50 <<<"${inproc[$model.$name]}"
    echo "| $model | $name | $rps | ${p50} us |"
  done
done
[[ -n ${inproc[iris.agreement]:-} ]] && echo && echo "ONNX Runtime and Tribuo agree on ${inproc[iris.agreement]} Iris rows."
echo
echo "### HTTP (wrk, medians of $ROUNDS rounds; batch = $BATCH instances per request)"
echo
echo "| model | endpoint | connections | req/s | rows/s | p50 | p99 | errors |"
echo "|---|---|---:|---:|---:|---:|---:|---:|"
for model in iris iris-xgb; do
  for ep in noop predict batch; do
    for c in 16 1; do
      rps=$(field "$model" "$ep" "$c" 1)
      per=$([[ $ep == batch ]] && echo "$BATCH" || echo 1)
      echo "| $model${http[$model.busy]} | $ep | $c | $rps | $(awk -v r="$rps" -v p="$per" 'BEGIN {printf "%.0f", r * p}') |" \
        "$(field "$model" "$ep" "$c" 2) ms | $(field "$model" "$ep" "$c" 3) ms | $(field "$model" "$ep" "$c" 4) |"
    done
  done
done
echo
echo "### Goals"
echo
echo "| model | goal | measured | met |"
echo "|---|---|---|---|"
for model in iris iris-xgb; do
  IFS='|' read -r _ inp50 <<<"${inproc[$model.predictor-single]}"
  p50=$(field "$model" predict 1 2)
  over=$(awk -v h="$p50" -v i="$inp50" 'BEGIN {printf "%.3f", h - i / 1000}')
  echo "| $model | HTTP predict p50 <= in-process + 0.2 ms (1 connection) | $p50 ms vs ${inp50} us in-process: +$over ms |" \
    "$(awk -v o="$over" 'BEGIN {print (o <= 0.2 ? "yes" : "no")}') |"
  r=$(ratio "$(field "$model" predict 16 1)" "$(field "$model" noop 16 1)")
  echo "| $model | predict req/s >= 0.8 x no-op (16 connections) | $r | $(awk -v r="$r" 'BEGIN {print (r >= 0.8 ? "yes" : "no")}') |"
  IFS='|' read -r inbatch _ <<<"${inproc[$model.tribuo-batch]}"
  rows=$(awk -v r="$(field "$model" batch 16 1)" -v b="$BATCH" 'BEGIN {printf "%.0f", r * b}')
  r=$(ratio "$rows" "$inbatch")
  echo "| $model | batch rows/s >= 0.9 x in-process batch | $rows vs $inbatch: $r | $(awk -v r="$r" 'BEGIN {print (r >= 0.9 ? "yes" : "no")}') |"
  echo "| $model | server RSS flat under load | ${http[$model.rss_start]} MiB after warm-up, ${http[$model.rss_end]} MiB after all rounds | |"
done
if [[ -n ${inproc[iris.onnx-single]:-} ]]; then
  for kind in single batch; do
    IFS='|' read -r tr _ <<<"${inproc[iris.tribuo-$kind]}"
    IFS='|' read -r ox _ <<<"${inproc[iris.onnx-$kind]}"
    r=$(ratio "$tr" "$ox")
    echo "| iris | Tribuo in-process $kind >= ONNX Runtime $kind | $tr vs $ox rows/s: $r | $(awk -v r="$r" 'BEGIN {print (r >= 1 ? "yes" : "no")}') |"
  done
fi
