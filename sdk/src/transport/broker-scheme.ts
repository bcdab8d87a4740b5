/** URL schemes of the AMQP transport (kombu's aliases included). */
export const AMQP_SCHEMES: ReadonlySet<string> = new Set(["amqp", "amqps", "pyamqp", "librabbitmq"]);
/** URL schemes of the Redis transport. */
export const REDIS_SCHEMES: ReadonlySet<string> = new Set(["redis", "rediss", "sentinel", "redis+socket", "socket", "unix"]);

/** Which transport a broker URL selects. */
export type BrokerFamily = "amqp" | "redis" | "memory" | "other";

/** The broker scheme of a URL (for failover lists, of the first entry), lower case; `""` without one. */
export function brokerScheme(url: string): string {
  const first = url.split(";")[0]!.trim();
  const match = /^([a-z][a-z0-9+.-]*):\/\//i.exec(first);
  return match === null ? "" : match[1]!.toLowerCase();
}

/** The transport family of a broker URL, from its scheme. */
export function brokerFamily(url: string): BrokerFamily {
  const scheme = brokerScheme(url);
  if (AMQP_SCHEMES.has(scheme)) return "amqp";
  if (REDIS_SCHEMES.has(scheme)) return "redis";
  return scheme === "memory" ? "memory" : "other";
}
