# Shared by the wrk benchmarks (http-shootout.sh, serving.sh); source it from the repository root. Loopback only.
# Sourcing it checks for wrk, makes the scratch directory $work and a trap that stops the server $pid (if set)
# and removes $work on exit, and defines mvn (offline first, online if that fails).

command -v wrk >/dev/null || { echo "wrk not found: apt-get install -y wrk" >&2; exit 1; }

work=$(mktemp -d)
pid=
bench_cleanup() {
  if [[ -n $pid ]]; then kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap bench_cleanup EXIT INT TERM

mvn() { ./mvnw -q -B -o "$@" 2>/dev/null || ./mvnw -q -B "$@"; }

# bench_wrk CONNECTIONS THREADS DURATION LUA URL -> "req/s|p50|p99|errors" (wrk's own units, e.g. 51.00us)
bench_wrk() {
  local out
  out=$(timeout 120 wrk -t"$2" -c"$1" -d"$3" --latency -s "$4" "$5")
  awk '/Requests\/sec/ {rps=$2} $1=="50%" {p50=$2} $1=="99%" {p99=$2}
       /Non-2xx/ {err+=$NF} /Socket errors/ {gsub(/,/,""); err+=$4+$6+$8+$10}
       END {printf "%.0f|%s|%s|%d", rps, p50, p99, err}' <<<"$out"
}

# bench_idle -> CPU idle over 1 s, e.g. "97%". Well under 100% means something else (a build) competes.
bench_idle() {
  local a b
  read -ra a < /proc/stat; sleep 1; read -ra b < /proc/stat
  awk -v i="$((b[4] + b[5] - a[4] - a[5]))" -v t="$(( (b[1]+b[2]+b[3]+b[4]+b[5]+b[6]+b[7]+b[8]) - (a[1]+a[2]+a[3]+a[4]+a[5]+a[6]+a[7]+a[8]) ))" \
    'BEGIN {printf "%.0f%%", 100 * i / t}'
}

# bench_wait_quiet SECONDS -> waits up to SECONDS for CPU idle >= 90%; prints the last idle reading.
bench_wait_quiet() {
  local idle t
  for ((t = 0; ; t += 5)); do idle=$(bench_idle); ((${idle%\%} >= 90 || t >= $1)) && break; sleep 4; done
  echo "$idle"
}

# bench_ms "51.00us" -> "0.051": wrk's latency in milliseconds.
bench_ms() {
  awk -v v="$1" 'BEGIN { n = v + 0; u = v; sub(/^[0-9.]+/, "", u);
    printf "%.3f", u == "us" ? n / 1000 : u == "ms" ? n : u == "s" ? n * 1000 : n }'
}
