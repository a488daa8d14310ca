#!/usr/bin/env bash
# Training benchmarks (JMH, single-shot): trainModel end to end and CSV loading against raw Tribuo on 100k x 20,
# and CART on raw against quantile-binned features. Writes JMH's table to stdout.
#   bench/training.sh                        # TrainingBenchmark and TreeBinningBenchmark
#   bench/training.sh TreeBinningBenchmark   # any JMH regexp
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
./mvnw -q -B install -DskipTests -pl core -am
./mvnw -q -B -pl core test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/bench-classpath.txt
cp="core/target/test-classes:core/target/classes:$(cat core/target/bench-classpath.txt)"
mkdir -p target
java -cp "$cp" org.openjdk.jmh.Main -rf text -rff target/jmh-training.txt "${@:-TrainingBenchmark|TreeBinningBenchmark}"
