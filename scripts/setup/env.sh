# Project-owned broker coordinates; sourced by every setup script. Override any of them in the environment.
_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export CELERY_PROTO_ROOT="$_root"
export CELERY_PROTO_STATE="${CELERY_PROTO_STATE:-$_root/.state}"
export CELERY_PROTO_REDIS_PORT="${CELERY_PROTO_REDIS_PORT:-6391}"
export CELERY_PROTO_AMQP_PORT="${CELERY_PROTO_AMQP_PORT:-5683}"
export CELERY_PROTO_RABBIT_DIST_PORT="${CELERY_PROTO_RABBIT_DIST_PORT:-25683}"
export CELERY_PROTO_RABBIT_NODE="${CELERY_PROTO_RABBIT_NODE:-celeryproto@localhost}"
export CELERY_PROTO_AMQP_VHOST="${CELERY_PROTO_AMQP_VHOST:-celery-proto}"
export CELERY_PROTO_REDIS_URL="${CELERY_PROTO_REDIS_URL:-redis://127.0.0.1:$CELERY_PROTO_REDIS_PORT}"
export CELERY_PROTO_AMQP_URL="${CELERY_PROTO_AMQP_URL:-amqp://guest:guest@127.0.0.1:$CELERY_PROTO_AMQP_PORT/$CELERY_PROTO_AMQP_VHOST}"
unset _root
# The Node.js versions of the test matrix (scripts/setup/node-versions.sh): the supported majors' current releases.
export CELERY_PROTO_NODE_VERSIONS="${CELERY_PROTO_NODE_VERSIONS:-20.20.2 22.23.5 24.22.3}"
