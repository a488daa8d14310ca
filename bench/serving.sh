#!/usr/bin/env bash
# Model server benchmark for docs/benchmarks.md. On 127.0.0.1 only; about 12 minutes; stops everything on exit.
#  1. In-process floors (serving/src/test/.../bench/InProcessBench.java, single thread): Tribuo predict of one row
#     and of batches (XGBoost: its native predict), the server's encode+predict path without HTTP (feature maps, and
#     rows of numbers as a v2 [N, F] tensor gives them), and ONNX Runtime on Tribuo's ONNX export of the same
#     logistic model.
#  2. The server (java -jar serving/target/modelops-serving.jar --noop-endpoint) under wrk: the no-op endpoint
#     (POST /v2/noop: same Jetty stack, body read and JSON parse, no model), v1 predict of 1 instance (16 and 1
#     connections), and batches at 16 connections: v1 JSON of 100 and 1000 instances, and v2 with the binary tensor
#     data extension ([N, 4] FP64 in, label and scores out as binary) of 100 and 1000 rows. ROUNDS rounds
#     interleaved, medians reported, after WARMUP per endpoint (C2 takes 10-15 s to compile a path under load on 2
#     cores). For the Iris logistic bundle and an Iris XGBoost bundle, with the server's RSS.
# Prints a markdown report with the goals' ratios. Rows measured while the CPU was busy (idle < 90% before or after
# a model's runs) are marked busy.
#   bench/serving.sh
#   DURATION=10s DURATION_1C=8s WARMUP=10s ROUNDS=2 BATCHES=100,1000 INPROC_SECONDS=3 PORT=18280 QUIET_WAIT=120 bench/serving.sh
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10s}
DURATION_1C=${DURATION_1C:-8s}
WARMUP=${WARMUP:-10s}
ROUNDS=${ROUNDS:-2}
BATCHES=${BATCHES:-100,1000}
INPROC_SECONDS=${INPROC_SECONDS:-3}
PORT=${PORT:-18280}
QUIET_WAIT=${QUIET_WAIT:-120}
JAVA_OPTS=${JAVA_OPTS:-"-Xms256m -Xmx256m"}
# shellcheck source=bench/wrk-lib.sh
. bench/wrk-lib.sh
command -v perl >/dev/null || { echo "perl not found (it writes the binary request bodies)" >&2; exit 1; }

# Build: modelops.jar to train, the server jar, serving's test classpath.
mvn install -pl core,serving,cli -DskipTests
mvn -pl serving test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$work/cp.txt"
cp="serving/target/test-classes:serving/target/classes:$(cat "$work/cp.txt")"

java -jar cli/target/modelops.jar train --data examples/iris.csv --label species --out "$work/iris" >/dev/null 2>&1
java -jar cli/target/modelops.jar train --data examples/iris.csv --label species --algorithm xgboost \
  --out "$work/iris-xgb" >/dev/null 2>&1

# Request bodies, each in a wrk script that reads it from a file (binary bodies cannot live in Lua source).
wrk_script() { # NAME BODYFILE [HEADER VALUE]
  {
    echo 'wrk.method = "POST"'
    echo "local f = assert(io.open(\"$2\", \"rb\")); wrk.body = f:read(\"*all\"); f:close()"
    if [[ $# -gt 2 ]]; then
      echo 'wrk.headers["Content-Type"] = "application/octet-stream"'
      echo "wrk.headers[\"$3\"] = \"$4\""
    else
      echo 'wrk.headers["Content-Type"] = "application/json"'
    fi
  } >"$work/$1.lua"
}
row='{"sepal_length":5.1,"sepal_width":3.5,"petal_length":1.4,"petal_width":0.2}'
echo "{\"instances\":[$row]}" >"$work/one.json"
wrk_script one "$work/one.json"
IFS=, read -ra sizes <<<"$BATCHES"
for n in "${sizes[@]}"; do
  rows=$row; for ((i = 1; i < n; i++)); do rows+=",$row"; done
  echo "{\"instances\":[$rows]}" >"$work/json-$n.json"
  wrk_script "json-$n" "$work/json-$n.json"
  header="{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP64\",\"shape\":[$n,4],\"parameters\":{\"binary_data_size\":$((n * 32))}}],\"parameters\":{\"binary_data_output\":true}}"
  { printf '%s' "$header"; perl -e "print pack('d<4', 5.1, 3.5, 1.4, 0.2) x $n"; } >"$work/binary-$n.bin"
  wrk_script "binary-$n" "$work/binary-$n.bin" Inference-Header-Content-Length "${#header}"
done

declare -A inproc
echo "before: $(uptime)" >&2
for model in iris iris-xgb; do
  idle=$(bench_wait_quiet "$QUIET_WAIT")
  echo "$model in-process: CPU idle before $idle" >&2
  # shellcheck disable=SC2086
  java $JAVA_OPTS -cp "$cp" io.jenkins.plugins.modelops.serving.bench.InProcessBench "$work/$model" examples/iris.csv \
    "$INPROC_SECONDS" "$BATCHES" 2>/dev/null | tee "$work/inproc-$model.txt" >&2
  while read -r name rps p50; do inproc[$model.$name]="$rps|$p50"; done < <(grep -v 'agreement\|kernel' "$work/inproc-$model.txt")
  inproc[$model.agreement]=$(awk '/agreement/ {print $2}' "$work/inproc-$model.txt")
  inproc[$model.kernel]=$(awk '/^kernel/ {print $2}' "$work/inproc-$model.txt")
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
  # endpoint -> "path script connection-counts"
  declare -A eps=([noop]="/v2/noop one 16,1" [predict]="/v1/models/$model:predict one 16,1")
  endpoints=(noop predict)
  for n in "${sizes[@]}"; do
    eps[json-$n]="/v1/models/$model:predict json-$n 16"
    eps[binary-$n]="/v2/models/$model/infer binary-$n 16"
    endpoints+=("json-$n" "binary-$n")
  done
  for ep in "${endpoints[@]}"; do
    read -r path lua _ <<<"${eps[$ep]}"
    bench_wrk 16 2 "$WARMUP" "$work/$lua.lua" "http://127.0.0.1:$PORT$path" >/dev/null
  done
  http[$model.rss_start]=$(rss "$pid") # after warm-up: the heap has grown to its working size
  for ((r = 0; r < ROUNDS; r++)); do
    for ep in "${endpoints[@]}"; do
      read -r path lua conns <<<"${eps[$ep]}"
      http[$model.$ep.16.$r]=$(bench_wrk 16 2 "$DURATION" "$work/$lua.lua" "http://127.0.0.1:$PORT$path")
      [[ $conns == *,1 ]] && http[$model.$ep.1.$r]=$(bench_wrk 1 1 "$DURATION_1C" "$work/$lua.lua" "http://127.0.0.1:$PORT$path")
      echo "$model $ep round $r: 16c ${http[$model.$ep.16.$r]}, 1c ${http[$model.$ep.1.$r]:-}" >&2
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
echo "Kernels: logistic ${inproc[iris.kernel]}, xgboost ${inproc[iris-xgb.kernel]}."
echo
echo "| model | measurement | rows/s | p50 per call |"
echo "|---|---|---:|---:|"
for model in iris iris-xgb; do
  names=(tribuo-single predictor-single)
  for n in "${sizes[@]}"; do names+=("tribuo-batch-$n" "predictor-batch-$n" "matrix-batch-$n"); done
  names+=(onnx-single); for n in "${sizes[@]}"; do names+=("onnx-batch-$n"); done
  for name in "${names[@]}"; do
    [[ -n ${inproc[$model.$name]:-} ]] || continue
    IFS='|' read -r rps p50 <<<"${inproc[$model.$name]}"
    echo "| $model | $name | $rps | ${p50} us |"
  done
done
[[ -n ${inproc[iris.agreement]:-} ]] && echo && echo "ONNX Runtime and Tribuo agree on ${inproc[iris.agreement]} Iris rows."
echo
echo "### HTTP (wrk, medians of $ROUNDS rounds)"
echo
echo "| model | endpoint | connections | req/s | rows/s | p50 | p99 | errors |"
echo "|---|---|---:|---:|---:|---:|---:|---:|"
for model in iris iris-xgb; do
  for ep in "${endpoints[@]}"; do
    for c in 16 1; do
      [[ -n ${http[$model.$ep.$c.0]:-} ]] || continue
      rps=$(field "$model" "$ep" "$c" 1)
      per=${ep##*-}; [[ $per =~ ^[0-9]+$ ]] || per=1
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
yes_no() { awk -v r="$1" -v g="$2" 'BEGIN {print (r >= g ? "yes" : "no")}'; }
for model in iris iris-xgb; do
  IFS='|' read -r _ inp50 <<<"${inproc[$model.predictor-single]}"
  p50=$(field "$model" predict 1 2)
  over=$(awk -v h="$p50" -v i="$inp50" 'BEGIN {printf "%.3f", h - i / 1000}')
  echo "| $model | HTTP predict p50 <= in-process + 0.2 ms (1 connection) | $p50 ms vs ${inp50} us in-process: +$over ms |" \
    "$(awk -v o="$over" 'BEGIN {print (o <= 0.2 ? "yes" : "no")}') |"
  r=$(ratio "$(field "$model" predict 16 1)" "$(field "$model" noop 16 1)")
  echo "| $model | predict req/s >= 0.8 x no-op (16 connections) | $r | $(yes_no "$r" 0.8) |"
  for n in "${sizes[@]}"; do
    IFS='|' read -r inbatch _ <<<"${inproc[$model.tribuo-batch-$n]}"
    for kind in json binary; do
      rows=$(awk -v r="$(field "$model" "$kind-$n" 16 1)" -v b="$n" 'BEGIN {printf "%.0f", r * b}')
      r=$(ratio "$rows" "$inbatch")
      echo "| $model | $kind batch of $n: rows/s >= 0.9 x in-process Tribuo batch of $n | $rows vs $inbatch: $r | $(yes_no "$r" 0.9) |"
    done
  done
  echo "| $model | server RSS flat under load | ${http[$model.rss_start]} MiB after warm-up, ${http[$model.rss_end]} MiB after all rounds | |"
done
if [[ -n ${inproc[iris.onnx-single]:-} ]]; then
  IFS='|' read -r tr _ <<<"${inproc[iris.tribuo-single]}"
  IFS='|' read -r ox _ <<<"${inproc[iris.onnx-single]}"
  r=$(ratio "$tr" "$ox")
  echo "| iris | Tribuo single row >= ONNX Runtime single row (in-process) | $tr vs $ox rows/s: $r | $(yes_no "$r" 1) |"
  for n in "${sizes[@]}"; do
    IFS='|' read -r ox _ <<<"${inproc[iris.onnx-batch-$n]}"
    for ours in tribuo-batch matrix-batch; do
      IFS='|' read -r tr _ <<<"${inproc[iris.$ours-$n]}"
      r=$(ratio "$tr" "$ox")
      echo "| iris | $ours-$n >= ONNX Runtime batch of $n (in-process) | $tr vs $ox rows/s: $r | $(yes_no "$r" 1) |"
    done
  done
fi
