#!/usr/bin/env bash
# The main job on a fresh machine: build modelops.jar and train on the bundled Iris data.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
./mvnw -q -B package -DskipTests
java -jar cli/target/modelops.jar train --data examples/iris.csv --label species --algorithm logistic \
  --folds 5 --require 'accuracy>=0.9' --out target/demo/iris-model
echo "Bundle: target/demo/iris-model (see model-card.md)"
