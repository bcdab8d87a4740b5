#!/usr/bin/env bash
# Records the golden vectors of both Celery lines (.venv = latest, .venv-5.3 = 5.3) on both brokers
# (Redis, RabbitMQ), then validates them. Creates the venvs and starts the brokers first (idempotent).
#
#   bash conformance/recorder/record-all.sh [OUT_DIR]        (default OUT_DIR: conformance/vectors)
#
# RECORD_PARALLEL=0 records the four (line, broker) runs one after the other; by default the Redis and
# the AMQP run of one Celery line run side by side (they use different Redis dbs and only one of them
# touches RabbitMQ), which halves the wall-clock time.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

bash scripts/setup/python.sh
bash scripts/setup/brokers.sh start
# shellcheck source=../../scripts/setup/env.sh
source scripts/setup/env.sh

out="${1:-conformance/vectors}"
parallel="${RECORD_PARALLEL:-1}"
logdir="$(mktemp -d -t record-vectors.XXXXXX)"
started=$(date +%s)
status=0

record() {  # record <venv> <broker>
  local venv="$1" broker="$2" log="$logdir/${1#.}-$2.log"
  if timeout 600 "$venv/bin/python" conformance/recorder/record_vectors.py --broker "$broker" --out "$out" >"$log" 2>&1; then
    echo "[record-all] $venv $broker: ok"
  else
    echo "[record-all] $venv $broker: FAILED (log follows)" >&2
    cat "$log" >&2
    return 1
  fi
}

for venv in .venv .venv-5.3; do
  if [ "$parallel" = "1" ]; then
    record "$venv" redis & p1=$!
    record "$venv" amqp & p2=$!
    wait "$p1" || status=1
    wait "$p2" || status=1
  else
    record "$venv" redis || status=1
    record "$venv" amqp || status=1
  fi
done

grep -h -E " (ok|SKIP|FAIL) " "$logdir"/*.log | sed 's/^/  /' || true
python3 conformance/recorder/check_vectors.py "$out" || status=1
echo "[record-all] logs in $logdir; total $(( $(date +%s) - started ))s; status $status"
exit "$status"
