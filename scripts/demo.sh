#!/usr/bin/env bash
# The README's main job: provision brokers and Python Celery, start a TypeScript worker, enqueue from TypeScript and
# from Python, print the results.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/setup/all.sh >/dev/null
source scripts/setup/env.sh
exec node --import tsx scripts/demo.ts
