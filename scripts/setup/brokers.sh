#!/usr/bin/env bash
# Starts the project's own Redis and RabbitMQ on loopback, idempotently.
# Ports, node name and data dirs are project-owned so parallel runs and system services do not collide.
# Usage: scripts/setup/brokers.sh [start|stop|status|restart-rabbitmq|stop-rabbitmq|restart-redis]
# stop-rabbitmq stops only the RabbitMQ node named by the environment (e.g. a test's second node), not Redis.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=./env.sh
source "$here/env.sh"
# shellcheck source=./tls-certs.sh
source "$here/tls-certs.sh"

need_packages() {
  local missing=()
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  command -v rabbitmq-server >/dev/null 2>&1 || missing+=(rabbitmq-server)
  if ((${#missing[@]})); then
    echo "[brokers] installing ${missing[*]} from Debian packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

redis_up() { redis-cli -h 127.0.0.1 -p "$CELERY_PROTO_REDIS_PORT" ping 2>/dev/null | grep -q PONG; }
redis_tls_up() {
  local d="$CELERY_PROTO_TLS_DIR"
  redis-cli --tls --cacert "$d/ca.pem" --cert "$d/client.pem" --key "$d/client.key" -h 127.0.0.1 -p "$CELERY_PROTO_REDIS_TLS_PORT" ping 2>/dev/null | grep -q PONG
}

start_redis() {
  if redis_up; then
    redis_tls_up || echo "[brokers] redis on $CELERY_PROTO_REDIS_PORT runs without its TLS port $CELERY_PROTO_REDIS_TLS_PORT: $0 restart-redis adds it" >&2
    return 0
  fi
  mkdir -p "$CELERY_PROTO_STATE/redis"
  local d="$CELERY_PROTO_TLS_DIR"
  # TLS on a second port; client certificates are checked when sent (mutual TLS), not required.
  redis-server --bind 127.0.0.1 --port "$CELERY_PROTO_REDIS_PORT" --daemonize yes \
    --tls-port "$CELERY_PROTO_REDIS_TLS_PORT" --tls-cert-file "$d/server.pem" --tls-key-file "$d/server.key" \
    --tls-ca-cert-file "$d/ca.pem" --tls-auth-clients optional \
    --dir "$CELERY_PROTO_STATE/redis" --pidfile "$CELERY_PROTO_STATE/redis/redis.pid" \
    --logfile "$CELERY_PROTO_STATE/redis/redis.log" --save "" --appendonly no --databases 32
  for _ in $(seq 1 50); do redis_up && return 0; sleep 0.1; done
  echo "[brokers] redis did not start; see $CELERY_PROTO_STATE/redis/redis.log" >&2
  return 1
}

rabbit_env() {
  export RABBITMQ_NODENAME="$CELERY_PROTO_RABBIT_NODE"
  export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
  export RABBITMQ_NODE_PORT="$CELERY_PROTO_AMQP_PORT"
  export RABBITMQ_DIST_PORT="$CELERY_PROTO_RABBIT_DIST_PORT"
  export RABBITMQ_BASE="$CELERY_PROTO_STATE/rabbitmq"
  export RABBITMQ_MNESIA_BASE="$RABBITMQ_BASE/mnesia"
  export RABBITMQ_LOG_BASE="$RABBITMQ_BASE/log"
  export RABBITMQ_PID_FILE="$RABBITMQ_BASE/rabbit.pid"
  export RABBITMQ_CONFIG_FILE="$RABBITMQ_BASE/rabbitmq"
  export RABBITMQ_ENABLED_PLUGINS_FILE="$RABBITMQ_BASE/enabled_plugins"
  export RABBITMQ_ENABLED_PLUGINS="[]"
  export HOME="${HOME:-/root}"
}

# Debian's /usr/sbin wrappers switch to the rabbitmq user, who cannot write our state dir; call the real scripts.
RABBIT_BIN=/usr/lib/rabbitmq/bin
rabbitmqctl() { "$RABBIT_BIN/rabbitmqctl" "$@"; }
rabbit_up() { rabbit_env; timeout 20 "$RABBIT_BIN/rabbitmqctl" -q status >/dev/null 2>&1; }

start_rabbitmq() {
  rabbit_env
  mkdir -p "$RABBITMQ_BASE" "$RABBITMQ_LOG_BASE" "$RABBITMQ_MNESIA_BASE"
  [ -f "$RABBITMQ_ENABLED_PLUGINS_FILE" ] || echo "[]." >"$RABBITMQ_ENABLED_PLUGINS_FILE"
  # loopback_users = none lets guest connect over 127.0.0.1 only because the listener is bound to loopback.
  # The TLS listener requires a client certificate of the test CA (mutual TLS); the login is still guest's password.
  cat >"$RABBITMQ_CONFIG_FILE.conf" <<CONF
listeners.tcp.1 = 127.0.0.1:$CELERY_PROTO_AMQP_PORT
listeners.ssl.1 = 127.0.0.1:$CELERY_PROTO_AMQPS_PORT
ssl_options.cacertfile = $CELERY_PROTO_TLS_DIR/ca.pem
ssl_options.certfile = $CELERY_PROTO_TLS_DIR/server.pem
ssl_options.keyfile = $CELERY_PROTO_TLS_DIR/server.key
ssl_options.verify = verify_peer
ssl_options.fail_if_no_peer_cert = true
loopback_users = none
log.console = false
log.file.level = warning
consumer_timeout = 3600000
CONF
  if ! rabbit_up; then
    echo "[brokers] starting rabbitmq node $RABBITMQ_NODENAME on 127.0.0.1:$CELERY_PROTO_AMQP_PORT"
    setsid nohup "$RABBIT_BIN/rabbitmq-server" >"$RABBITMQ_LOG_BASE/console.log" 2>&1 </dev/null &
    local waited=0
    until timeout 130 "$RABBIT_BIN/rabbitmqctl" -q await_startup --timeout 120 >/dev/null 2>&1; do
      waited=$((waited + 1))
      if ((waited > 60)); then
        echo "[brokers] rabbitmq did not start; logs in $RABBITMQ_LOG_BASE" >&2
        return 1
      fi
      sleep 1
    done
  fi
  rabbitmqctl -q list_vhosts | grep -qx "$CELERY_PROTO_AMQP_VHOST" || rabbitmqctl -q add_vhost "$CELERY_PROTO_AMQP_VHOST" >/dev/null
  rabbitmqctl -q set_permissions -p "$CELERY_PROTO_AMQP_VHOST" guest ".*" ".*" ".*" >/dev/null
}

stop_all() {
  rabbit_env
  rabbitmqctl -q stop >/dev/null 2>&1 || true
  redis-cli -h 127.0.0.1 -p "$CELERY_PROTO_REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
}

case "${1:-start}" in
  start) need_packages; generate_tls_certs; start_redis; start_rabbitmq
         echo "[brokers] redis  $CELERY_PROTO_REDIS_URL  $CELERY_PROTO_REDIS_TLS_URL"
         echo "[brokers] amqp   $CELERY_PROTO_AMQP_URL  $CELERY_PROTO_AMQPS_URL"
         echo "[brokers] tls    CA, server and client certificates in $CELERY_PROTO_TLS_DIR" ;;
  stop) stop_all ;;
  status) redis_up && echo "redis up" || echo "redis down"; redis_tls_up && echo "redis tls up" || echo "redis tls down"; rabbit_up && echo "rabbitmq up" || echo "rabbitmq down" ;;
  restart-rabbitmq) rabbit_env; rabbitmqctl -q stop_app >/dev/null; rabbitmqctl -q start_app >/dev/null ;;
  stop-rabbitmq) rabbit_env; if rabbit_up; then rabbitmqctl -q stop >/dev/null 2>&1 || true; fi ;;
  restart-redis) generate_tls_certs; redis-cli -h 127.0.0.1 -p "$CELERY_PROTO_REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true; start_redis ;;
  *) echo "usage: $0 [start|stop|status|restart-rabbitmq|stop-rabbitmq|restart-redis]" >&2; exit 2 ;;
esac
