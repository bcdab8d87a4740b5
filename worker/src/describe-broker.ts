import { parseAmqpUrl } from "../../sdk/src/transport/amqp/parse-amqp-url.js";
import { brokerScheme } from "../../sdk/src/transport/create-transport.js";
import { parseRedisUrl } from "../../sdk/src/transport/redis/parse-redis-url.js";

/** Which transport family a broker URL selects (the schemes `createTransport` maps). */
export function brokerFamily(url: string): "amqp" | "redis" | "other" {
  const scheme = brokerScheme(url);
  if (["amqp", "amqps", "pyamqp", "librabbitmq"].includes(scheme)) return "amqp";
  if (["redis", "rediss", "sentinel", "redis+socket", "socket", "unix"].includes(scheme)) return "redis";
  return "other";
}

/** A URL as kombu's `as_uri()` shows it: the password replaced by `**`. */
export function maskBrokerUrl(url: string): string {
  return url
    .split(";")
    .map((part) => part.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^:@/]*):([^@/]*)@/i, (_, scheme: string, user: string) => `${scheme}${user}:**@`))
    .join(";");
}

/** The `broker` section of `inspect stats` (kombu's `Connection.info()`), without the password. */
export function describeBroker(url: string): Readonly<Record<string, unknown>> {
  const scheme = brokerScheme(url);
  try {
    if (brokerFamily(url) === "amqp") {
      const [first, ...alternates] = parseAmqpUrl(url);
      return {
        hostname: first?.hostname ?? "localhost",
        port: first?.port ?? 5672,
        userid: first?.username ?? "guest",
        virtual_host: first?.vhost ?? "/",
        transport: "amqp",
        ssl: first?.protocol === "amqps",
        insist: false,
        login_method: "PLAIN",
        uri_prefix: null,
        alternates: alternates.map((a) => a.display),
        failover_strategy: "round-robin",
        transport_options: {},
      };
    }
    const target = parseRedisUrl(url);
    const server = target.kind === "servers" ? target.servers[0] : undefined;
    const sentinel = target.kind === "sentinel" ? target.sentinels[0] : undefined;
    return {
      hostname: server?.host ?? sentinel?.host ?? "localhost",
      port: server?.port ?? sentinel?.port ?? 6379,
      userid: server?.username ?? null,
      virtual_host: String(target.db),
      transport: scheme === "sentinel" ? "sentinel" : "redis",
      ssl: server?.tls !== null && server?.tls !== undefined,
      insist: false,
      login_method: null,
      uri_prefix: null,
      alternates: [],
      failover_strategy: "round-robin",
      transport_options: {},
    };
  } catch {
    return { transport: scheme, hostname: null, port: null, virtual_host: null, insist: false, ssl: false };
  }
}
