#!/usr/bin/env bash
# Create .venv with exactly the locked dependencies (uv.lock). Idempotent; ~30 s on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v uv >/dev/null 2>&1; then
  python3 -m pip install --quiet --disable-pip-version-check "uv>=0.5,<1"
fi
# Bytecode compiled at install time: the machine sets PYTHONDONTWRITEBYTECODE=1, without .pyc
# files `import great_expectations` costs ~10 s per process.
export UV_COMPILE_BYTECODE=1
uv sync --frozen --extra dev --python 3.11 --quiet
