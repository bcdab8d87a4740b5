#!/usr/bin/env bash
# Creates the project-local Python venvs with the pinned Celery lines, idempotently.
# .venv      <- conformance/python/requirements.txt      (latest Celery 5.x)
# .venv-5.3  <- conformance/python/requirements-5.3.txt  (older Celery 5.x line)
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
ensure_venv "$root/.venv-5.3" "$root/conformance/python/requirements-5.3.txt"
