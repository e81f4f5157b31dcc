#!/usr/bin/env bash
# Set up, then run the whole pipeline on the bundled sample inbox (data/inbox) for every report
# year, producing data/xxgk.duckdb, data/published/ (Parquet + report.html).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
export DAGSTER_HOME="$PWD"   # the instance settings in ./dagster.yaml
# A run killed hard earlier (SIGKILL, OOM) keeps its warehouse pool slot; free it first.
.venv/bin/python -m pipelines.recovery
last_year=$(( $(date +%Y) - 1 ))
# Dagster's CLI (`dagster asset materialize`), the step processes' forkserver started before its imports
.venv/bin/python -m pipelines.launch asset materialize -m pipelines.definitions --select '*' \
  --partition-range "2019...${last_year}"
.venv/bin/python -m xxgk.cli summary
