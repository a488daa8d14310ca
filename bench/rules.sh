#!/usr/bin/env bash
# Rule generation for 1,000 models (issue 16's "under 1 s"), JMH single-shot: each shot generates and writes the
# rules (or dashboards) of 1,000 models. Cold: 5 fresh JVMs, one shot each, no warm-up (what one `modelops rules`
# run pays). Warm: 10 warm-up and 10 measured shots in one JVM. Writes JMH's tables to stdout and target/.
#   bench/rules.sh              # cold and warm, every benchmark
#   bench/rules.sh ruleFiles    # any JMH regexp
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -pl monitor -am package -DskipTests dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/bench-classpath.txt
cp="monitor/target/test-classes:monitor/target/classes:$(cat monitor/target/bench-classpath.txt)"
pattern="RuleGenerationBenchmark.${1:-.*}"
mkdir -p target
echo "== cold: 5 forks x 1 shot, no warm-up"
java -cp "$cp" org.openjdk.jmh.Main -rf text -rff target/jmh-rules-cold.txt -f 5 -wi 0 -i 1 "$pattern"
echo "== warm: 1 fork, 10 warm-up + 10 measured shots"
java -cp "$cp" org.openjdk.jmh.Main -rf text -rff target/jmh-rules-warm.txt "$pattern"
