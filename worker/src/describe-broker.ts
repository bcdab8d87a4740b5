import { PyFloat } from "../../sdk/src/codec/json/python-values.js";
import { parseAmqpUrl } from "../../sdk/src/transport/amqp/parse-amqp-url.js";
import { brokerFamily, brokerScheme } from "../../sdk/src/transport/broker-scheme.js";
import { parseRedisUrl } from "../../sdk/src/transport/redis/parse-redis-url.js";
import type { CelerySslSetting } from "../../sdk/src/transport/tls/celery-ssl-setting.js";

export { brokerFamily } from "../../sdk/src/transport/broker-scheme.js";
export { maskBrokerUrl } from "../../sdk/src/transport/mask-broker-url.js";

/**
 * The `broker` section of `inspect stats` (kombu's `Connection.info()`), without the password, in kombu's key order.
 * `connect_timeout` and `heartbeat` are Celery's defaults for the worker's connection (`broker_connection_timeout` 4,
 * `broker_heartbeat` 120.0), which a Celery 5.7 worker reports on both brokers.
 */
export function describeBroker(url: string, brokerUseSsl: CelerySslSetting = false): Readonly<Record<string, unknown>> {
  const scheme = brokerScheme(url);
  // kombu reports `Connection.ssl`: the `broker_use_ssl` value when one is set.
  const ssl = (fromUrl: boolean): unknown => (brokerUseSsl === false ? fromUrl : brokerUseSsl);
  try {
    if (brokerFamily(url) === "amqp") {
      const [first, ...alternates] = parseAmqpUrl(url);
      return {
        hostname: first?.hostname ?? "localhost",
        userid: first?.username ?? "guest",
        virtual_host: first?.vhost ?? "/",
        port: first?.port ?? 5672,
        insist: false,
        ssl: ssl(first?.protocol === "amqps"),
        transport: "amqp",
        connect_timeout: 4,
        transport_options: {},
        login_method: "PLAIN",
        uri_prefix: null,
        heartbeat: new PyFloat(120),
        failover_strategy: "round-robin",
        alternates: alternates.map((a) => a.display),
        credential_provider: null,
      };
    }
    const target = parseRedisUrl(url);
    const server = target.kind === "servers" ? target.servers[0] : undefined;
    const sentinel = target.kind === "sentinel" ? target.sentinels[0] : undefined;
    return {
      hostname: server?.host ?? sentinel?.host ?? "localhost",
      userid: server?.username ?? null,
      virtual_host: String(target.db),
      port: server?.port ?? sentinel?.port ?? 6379,
      insist: false,
      ssl: ssl(server?.tls !== null && server?.tls !== undefined),
      transport: scheme === "sentinel" ? "sentinel" : "redis",
      connect_timeout: 4,
      transport_options: {},
      login_method: null,
      uri_prefix: null,
      heartbeat: new PyFloat(120),
      failover_strategy: "round-robin",
      alternates: [],
      credential_provider: null,
    };
  } catch {
    return { transport: scheme, hostname: null, port: null, virtual_host: null, insist: false, ssl: false };
  }
}
