#!/usr/bin/env bash
# Creates .venv and installs the pinned dependencies when requirements changed.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-}
if [ -z "$PYTHON" ]; then
  for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
      PYTHON=$candidate; break
    fi
  done
fi
if [ -z "$PYTHON" ]; then
  echo "错误：需要 Python 3.11 或更高版本 (Python 3.11+ is required)." >&2; exit 1
fi
if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv with $PYTHON"
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.requirements.sha256
# requirements.lock pins the whole tree with SHA-256 hashes (pip-compile, `make lock`);
# requirements.txt / requirements-dev.txt name the direct pins it was built from.
want=$(cat requirements.txt requirements-dev.txt requirements.lock | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "==> installing pinned dependencies (requirements.lock, hashes required)"
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
  .venv/bin/python -m pip install -q --require-hashes -r requirements.lock
  echo "$want" > "$stamp"
fi
