#!/usr/bin/env bash
# Server CPU time per request (user + system of the server process, from /proc), the figure profiling work moves:
# unlike req/s it does not depend on how much CPU wrk takes on the same 2 cores. On 127.0.0.1 only.
# Trains an Iris logistic and an Iris XGBoost bundle, starts the server jar for each, warms every endpoint, then
# measures ROUNDS rounds of DURATION each, interleaved: the no-op endpoint, v1 predict of one instance, and v2 infer
# of 1000 rows with the binary tensor data extension (16 connections). Prints one line per round and endpoint.
#   bench/server-cpu.sh
#   ROUNDS=3 DURATION=6s WARMUP=15s PORT=18282 bench/server-cpu.sh
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-6s}
WARMUP=${WARMUP:-15s}
PORT=${PORT:-18282}
# shellcheck source=bench/wrk-lib.sh
. bench/wrk-lib.sh
command -v perl >/dev/null || { echo "perl not found (it writes the binary request body)" >&2; exit 1; }

mvn install -pl core,serving,cli -DskipTests
java -jar cli/target/modelops.jar train --data examples/iris.csv --label species --out "$work/iris" >/dev/null 2>&1
java -jar cli/target/modelops.jar train --data examples/iris.csv --label species --algorithm xgboost \
  --out "$work/iris-xgb" >/dev/null 2>&1

printf 'wrk.method = "POST"\nwrk.body = %s\nwrk.headers["Content-Type"] = "application/json"\n' \
  "'{\"instances\":[{\"sepal_length\":5.1,\"sepal_width\":3.5,\"petal_length\":1.4,\"petal_width\":0.2}]}'" >"$work/one.lua"
header='{"inputs":[{"name":"x","datatype":"FP64","shape":[1000,4],"parameters":{"binary_data_size":32000}}],"parameters":{"binary_data_output":true}}'
{ printf '%s' "$header"; perl -e "print pack('d<4', 5.1, 3.5, 1.4, 0.2) x 1000"; } >"$work/binary.bin"
{
  echo 'wrk.method = "POST"'
  echo "local f = assert(io.open(\"$work/binary.bin\", \"rb\")); wrk.body = f:read(\"*all\"); f:close()"
  echo 'wrk.headers["Content-Type"] = "application/octet-stream"'
  echo "wrk.headers[\"Inference-Header-Content-Length\"] = \"${#header}\""
} >"$work/binary.lua"

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
for model in iris iris-xgb; do
  java -Xms256m -Xmx256m -jar serving/target/modelops-serving.jar --bundle "$work/$model" --host 127.0.0.1 \
    --port "$PORT" --noop-endpoint >"$work/server-$model.log" 2>&1 &
  pid=$!
  for _ in $(seq 200); do curl -sf "http://127.0.0.1:$PORT/v2/health/ready" >/dev/null && break; sleep 0.1; done
  declare -A eps=([noop]="/v2/noop one" [predict-1]="/v1/models/$model:predict one" [binary-1000]="/v2/models/$model/infer binary")
  for ep in noop predict-1 binary-1000; do
    read -r path lua <<<"${eps[$ep]}"
    wrk -t2 -c16 -d"$WARMUP" -s "$work/$lua.lua" "http://127.0.0.1:$PORT$path" >/dev/null
  done
  for ((r = 0; r < ROUNDS; r++)); do
    for ep in noop predict-1 binary-1000; do
      read -r path lua <<<"${eps[$ep]}"
      before=$(cpu_ticks "$pid")
      out=$(wrk -t2 -c16 -d"$DURATION" -s "$work/$lua.lua" "http://127.0.0.1:$PORT$path")
      after=$(cpu_ticks "$pid")
      awk -v m="$model" -v e="$ep" -v r="$r" -v t="$((after - before))" -v hz="$hz" '
        /requests in/ {n = $1} /Requests\/sec/ {rps = $2}
        END {printf "%s %s round %d: %.0f req/s, server CPU %.1f us per request\n", m, e, r, rps, t / hz / n * 1e6}' <<<"$out"
    done
  done
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
done
