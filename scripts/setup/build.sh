#!/usr/bin/env bash
# Builds dist/ (what bin/proto.js and the package exports load) when it is missing or older than any of its inputs.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
stamp=dist/.build-stamp
if [ -f "$stamp" ] && [ -z "$(find sdk/src worker/src cli/src codegen/src tsup.config.ts tsconfig.json package.json -newer "$stamp" -print -quit)" ]; then
  exit 0
fi
echo "[setup] building dist/ (npm run build)"
mkdir -p .state
npm run build --silent >.state/build.log 2>&1 || { cat .state/build.log; exit 1; }
touch "$stamp"
