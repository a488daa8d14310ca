#!/usr/bin/env bash
# Image build benchmark (issue 15): `modelops image` as a whole process (JVM start included), on the offline JRE base
# (scripts/test-base-image.sh) and a local registry (Debian's docker-registry on 127.0.0.1). Cold = Jib's base and
# application layer caches empty (XDG_CACHE_HOME and java.io.tmpdir point at fresh directories); warm = the same
# caches again. Bytes pushed are what the registry stored anew (its blob files), not what went over the wire.
# Prints a markdown table for docs/benchmarks.md. Takes about a minute.
#
#   bench/image.sh                 # builds cli/target/modelops.jar first (under /tmp/maven.lock)
#   JAR=cli/target/modelops.jar bench/image.sh    # use an existing jar
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ -z ${JAR:-} ]]; then
  flock /tmp/maven.lock ./mvnw -B -o -q package -pl cli -am -DskipTests
  JAR=cli/target/modelops.jar
fi
command -v docker-registry >/dev/null || { echo "docker-registry is missing: run scripts/install-deps.sh --test" >&2; exit 1; }
base=$(scripts/test-base-image.sh)
work=$(mktemp -d /tmp/modelops-bench-image.XXXXXX)
registry_pid=
cleanup() { [[ -n $registry_pid ]] && kill "$registry_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

java -jar "$JAR" train --data examples/iris.csv --label species --seed 1 --out "$work/iris" >/dev/null 2>&1
java -jar "$JAR" train --data examples/iris.csv --label species --seed 2 --out "$work/iris-2" >/dev/null 2>&1

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >"$work/registry.yml" <<YML
version: 0.1
log: {level: warn}
storage: {filesystem: {rootdirectory: $work/registry}}
http: {addr: 127.0.0.1:$port}
YML
docker-registry serve "$work/registry.yml" >"$work/registry.log" 2>&1 &
registry_pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/v2/" >/dev/null && break; sleep 0.1; done

# image CACHE BUNDLE ARGS... -> seconds; stderr kept in $work/last.err
image() {
  local cache=$1 bundle=$2; shift 2
  mkdir -p "$cache/xdg" "$cache/tmp"
  local start end
  start=$(date +%s.%N)
  XDG_CACHE_HOME=$cache/xdg java -Djava.io.tmpdir="$cache/tmp" -jar "$JAR" image --bundle "$bundle" --name iris \
    --base-image "tar://$base" "$@" >"$work/last.out" 2>"$work/last.err"
  end=$(date +%s.%N)
  python3 -c "print(f'{$end - $start:.1f}')"
}
blobs() { find "$work/registry/docker/registry/v2/blobs" -name data -printf '%h %s\n' 2>/dev/null | sort; }
size() { sed -nE 's/^Image .*: ([0-9.]+ [kM]B) compressed in ([0-9]+) layers$/\1 in \2 layers/p' "$work/last.err"; }
model_layer() { sed -nE 's/^  model +([0-9.]+ [kM]B) .*/\1/p' "$work/last.err"; }

rows=()
t=$(image "$work/cold-tar" "$work/iris" --image 127.0.0.1:5000/models/iris:1 --tar "$work/a.tar")
rows+=("| to a tarball, cold caches | $t s | $(size) |")
t=$(image "$work/cold-tar" "$work/iris" --image 127.0.0.1:5000/models/iris:1 --tar "$work/b.tar")
rows+=("| to a tarball, warm caches | $t s | $(size) |")
cmp -s "$work/a.tar" "$work/b.tar" && same="byte-identical" || same="DIFFERENT"
t=$(image "$work/cold-reg" "$work/iris" --image "127.0.0.1:$port/models/iris:1")
first=$(blobs | awk '{s+=$2} END {print s}')
rows+=("| to the registry, cold caches, empty registry | $t s | $(size) |")
t=$(image "$work/cold-reg" "$work/iris" --image "127.0.0.1:$port/models/iris:1")
rows+=("| to the registry again, warm (nothing new to push) | $t s | $(size) |")
blobs >"$work/before"
t=$(image "$work/cold-reg" "$work/iris-2" --image "127.0.0.1:$port/models/iris:2")
blobs >"$work/after"
rows+=("| a new model to the registry, warm | $t s | $(size); model layer $(model_layer) |")
new=$(comm -13 "$work/before" "$work/after" | awk '{s+=$2; n++} END {print s" bytes in "n" blobs"}')
new_bytes=${new%% *}

echo "Run $(date -u '+%Y-%m-%d %H:%M') UTC on commit $(git rev-parse --short HEAD), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| build | time | image size (compressed) |"
echo "|---|---:|---|"
printf '%s\n' "${rows[@]}"
echo
echo "- The two tarballs of the same inputs: $same."
echo "- First push stored $first bytes; the new model's push stored $new (layer, config, manifest):"
python3 -c "print(f'  {$new_bytes / $first:.6f} of the first push ({$new_bytes} / {$first} bytes).')"
