#!/usr/bin/env bash
# Every test, on a fresh machine: installs what the tests need, then builds and runs them with Maven.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
./mvnw -B verify "$@"
