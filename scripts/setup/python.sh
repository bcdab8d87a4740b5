#!/usr/bin/env bash
# Creates the project-local Python venvs with the pinned Celery lines, idempotently.
# .venv      <- conformance/python/requirements.txt      (latest Celery 5.x)
# .venv-5.3  <- conformance/python/requirements-5.3.txt  (older Celery 5.x line)
# .venv-5.4, .venv-5.5, .venv-5.6 <- conformance/python/requirements-5.N.txt (the conformance matrix's other lines)
# .venv-celery-exporter <- conformance/python/requirements-celery-exporter.txt (pins older redis/prometheus_client)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
py="${PYTHON:-python3}"

ensure_venv() {
  local dir="$1" req="$2" stamp
  stamp="$dir/.requirements.sha256"
  local want; want="$(sha256sum "$req" | cut -d' ' -f1)"
  if [ -x "$dir/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return 0; fi
  echo "[python] creating $dir from $req"
  rm -rf "$dir"
  "$py" -m venv "$dir"
  "$dir/bin/pip" install -q --disable-pip-version-check -r "$req"
  echo "$want" >"$stamp"
}

ensure_venv "$root/.venv" "$root/conformance/python/requirements.txt"
# The other lines are independent: created side by side (each logs its own failure; any failure fails the setup).
pids=()
for line in 5.3 5.4 5.5 5.6; do
  ensure_venv "$root/.venv-$line" "$root/conformance/python/requirements-$line.txt" &
  pids+=($!)
done
ensure_venv "$root/.venv-celery-exporter" "$root/conformance/python/requirements-celery-exporter.txt" &
pids+=($!)
for pid in "${pids[@]}"; do wait "$pid"; done
