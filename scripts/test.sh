#!/usr/bin/env bash
# The README's test command (`npm test`): provisions everything, then runs every check as a counted test.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/setup/all.sh
source scripts/setup/env.sh
case "${1:-all}" in all | matrix) bash scripts/setup/node-versions.sh >/dev/null ;; esac
node scripts/run-tests.mjs "${1:-all}"
