#!/usr/bin/env bash
# Installs the benchmark's reference peers (celery-node, BullMQ) into bench/node_modules from bench/package-lock.json,
# once: again only when the lock file changes. They are never dependencies of the celery-proto package.
set -euo pipefail
bench="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$bench"
installed=node_modules/.package-lock.json
if [ -f "$installed" ] && [ "$installed" -nt package-lock.json ]; then
  exit 0
fi
echo "[bench] installing the reference peers (npm ci in bench/)"
npm ci --no-audit --no-fund --loglevel=error
touch "$installed"
