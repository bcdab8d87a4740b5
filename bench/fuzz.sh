#!/usr/bin/env bash
# The worker-input fuzzer at full size (issue 16): N mutated golden messages through the codec and a live built
# `proto worker` on the project's Redis, in batches of 1,000 (the next batch goes through the codec while the worker
# runs this one) on a worker with -c 16. Prints crashes, stalls, refusals per code and peak RSS; exits 1 on any finding.
# Usage: bench/fuzz.sh [cases=100000] [seed=1]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup/env.sh
exec node --import tsx conformance/fuzz/run.ts --cases "${1:-100000}" --seed "${2:-1}" --batch 1000 --concurrency 16
