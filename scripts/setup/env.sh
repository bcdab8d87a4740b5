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
# TLS listeners of the same Redis and RabbitMQ, next to the plain ports (derived, so a second node such as the fault
# node gets its own); certificates generated at set-up under CELERY_PROTO_TLS_DIR (ca.pem, server.*, client.*, other-ca.*).
export CELERY_PROTO_REDIS_TLS_PORT="${CELERY_PROTO_REDIS_TLS_PORT:-$((CELERY_PROTO_REDIS_PORT + 100))}"
export CELERY_PROTO_AMQPS_PORT="${CELERY_PROTO_AMQPS_PORT:-$((CELERY_PROTO_AMQP_PORT + 10))}"
export CELERY_PROTO_TLS_DIR="${CELERY_PROTO_TLS_DIR:-$CELERY_PROTO_STATE/tls}"
export CELERY_PROTO_REDIS_TLS_URL="${CELERY_PROTO_REDIS_TLS_URL:-rediss://127.0.0.1:$CELERY_PROTO_REDIS_TLS_PORT}"
export CELERY_PROTO_AMQPS_URL="${CELERY_PROTO_AMQPS_URL:-amqps://guest:guest@127.0.0.1:$CELERY_PROTO_AMQPS_PORT/$CELERY_PROTO_AMQP_VHOST}"
unset _root
# The Node.js versions of the test matrix (scripts/setup/node-versions.sh): the supported majors' current releases.
export CELERY_PROTO_NODE_VERSIONS="${CELERY_PROTO_NODE_VERSIONS:-20.20.2 22.23.5 24.22.3}"
