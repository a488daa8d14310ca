#!/usr/bin/env bash
# ModelOps against scikit-learn (Debian's python3-sklearn, 1.2) on public data: every algorithm on iris, wine,
# breast cancer, digits, diabetes and Wine Quality (and shifted copies of the regression targets), over several seeds,
# on the same train/test rows. Prints a markdown table and writes it to target/sklearn-compare/table.md.
#   bench/sklearn-compare.sh                       # cli/target/modelops.jar, seeds 42..46
#   bench/sklearn-compare.sh path/to/modelops.jar  # another build
#   SEEDS="42 43" DATASETS=digits,diabetes JOBS=2 bench/sklearn-compare.sh
# Builds nothing: build the jar first with ./mvnw -q -B package -DskipTests. scikit-learn is needed here only.
set -euo pipefail
cd "$(dirname "$0")/.."

jar=${1:-cli/target/modelops.jar}
work=${WORK:-target/sklearn-compare}
python=/usr/bin/python3 # Debian's, where python3-sklearn installs; not a pyenv or venv python3 from PATH

if [[ ! -f $jar ]]; then
  echo "No $jar: build it first with ./mvnw -q -B package -DskipTests" >&2
  exit 2
fi
command -v java >/dev/null 2>&1 || { echo "No java on PATH: run scripts/install-deps.sh" >&2; exit 2; }

if ! { [[ -x $python ]] && $python -c 'import sklearn' 2>/dev/null; }; then
  if [[ $(id -u) -eq 0 ]]; then
    sudo=""
  elif command -v sudo >/dev/null 2>&1; then
    sudo="sudo"
  else
    echo "scikit-learn is missing and this user cannot install it: as root, run" >&2
    echo "  apt-get update && apt-get install -y --no-install-recommends python3-sklearn" >&2
    exit 2
  fi
  echo "Installing: python3-sklearn" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends python3-sklearn >/dev/null
fi

# The script measures a copy of the jar taken once at its start, so a rebuild meanwhile changes nothing.
mkdir -p "$work"
exec $python bench/sklearn_compare.py --jar "$jar" --work "$work" ${SEEDS:+--seeds "$SEEDS"}
