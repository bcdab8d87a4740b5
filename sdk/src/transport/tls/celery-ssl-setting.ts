/**
 * Celery's `broker_use_ssl` or `redis_backend_use_ssl`: `true` (TLS, the server verified against the system's CAs) or
 * the dict of ssl options Celery passes on, by the names of the library Celery uses for that broker:
 * - RabbitMQ (py-amqp): `ca_certs`, `certfile`, `keyfile`, `cert_reqs`, `server_hostname`, `ciphers`;
 * - Redis (redis-py): `ssl_ca_certs`, `ssl_certfile`, `ssl_keyfile`, `ssl_cert_reqs`, `ssl_check_hostname`.
 *
 * `cert_reqs` / `ssl_cert_reqs` is Python's `ssl.CERT_NONE` (0), `CERT_OPTIONAL` (1) or `CERT_REQUIRED` (2), or their
 * names (`"CERT_REQUIRED"`, `"required"`, ...). Paths are read when connecting, not from any message.
 */
export type CelerySslSetting = boolean | Readonly<Record<string, unknown>>;
