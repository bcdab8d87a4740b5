#!/usr/bin/env bash
# The one entrypoint of celery-proto's Celery peer, in the container and in our own CI:
#   entrypoint.sh worker|beat|producer|healthcheck [role]
# PEER_PYTHON picks the interpreter (default python3); configuration is the environment (see README).
set -euo pipefail
peer_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export PYTHONPATH="${peer_dir}${PYTHONPATH:+:${PYTHONPATH}}"
export PYTHONUNBUFFERED=1
exec "${PEER_PYTHON:-python3}" -m celery_proto_peer "$@"
