#!/usr/bin/env bash
# Everything the tests and the demo need, idempotently: npm dependencies, the build, brokers, Python venvs.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
lock_hash="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ ! -f node_modules/.celery-proto-lock ] || [ "$(cat node_modules/.celery-proto-lock)" != "$lock_hash" ]; then
  echo "[setup] installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  sha256sum package-lock.json | cut -d' ' -f1 >node_modules/.celery-proto-lock
fi
bash scripts/setup/build.sh
bash scripts/setup/brokers.sh start
bash scripts/setup/python.sh
