#!/usr/bin/env bash
# The benchmark in one command: installs the peers, builds dist/ if stale, then runs every scenario interleaved.
# Usage: bash bench/run.sh [--rounds 5] [--count 20000] [--calls 1000] [--only drain,latency,producer] [--match text] [--out file]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash bench/setup.sh
bash scripts/setup/build.sh
# The peers and floors as plain JS (see nodeScript in bench/harness/bench-paths.ts); relative imports are bundled in.
bench/node_modules/.bin/esbuild bench/peers/*.ts bench/floors/*.ts --bundle --platform=node --format=esm --packages=external \
  --outbase=bench --outdir=bench/node_modules/.bench-js --out-extension:.js=.mjs --log-level=error
exec node --import tsx bench/run.ts "$@"
