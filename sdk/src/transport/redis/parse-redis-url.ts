import type { ConnectionOptions as TlsConnectionOptions } from "node:tls";
import { CeleryProtoError } from "../../errors/celery-proto-error.js";
import { REDIS_SSL_KEYS, toRedisTlsOptions } from "../tls/to-redis-tls-options.js";

/** One Redis server to connect to directly. */
export interface RedisServerEndpoint {
  readonly kind: "tcp" | "socket";
  /** TCP host (IPv6 without brackets); `""` for a socket. */
  readonly host: string;
  readonly port: number;
  /** Unix socket path; `""` for TCP. */
  readonly path: string;
  readonly username: string | null;
  readonly password: string | null;
  readonly db: number;
  /** TLS options for `rediss://`; `null` for plain connections. */
  readonly tls: TlsConnectionOptions | null;
  /** `connect_timeout` from the query, in seconds. */
  readonly connectTimeout: number | null;
}

/** A broker URL as kombu reads it: a failover list of servers, or a list of sentinels. */
export type RedisTarget =
  | { readonly kind: "servers"; readonly servers: readonly RedisServerEndpoint[]; readonly db: number }
  | {
      readonly kind: "sentinel";
      readonly sentinels: readonly { readonly host: string; readonly port: number }[];
      readonly username: string | null;
      readonly password: string | null;
      readonly db: number;
      readonly tls: TlsConnectionOptions | null;
    };

const QUERY_KEYS = new Set(["ssl_cert_reqs", "ssl_ca_certs", "ssl_certfile", "ssl_keyfile", "ssl_check_hostname", "virtual_host", "db", "connect_timeout"]);

/**
 * Parses Celery broker URLs for Redis: `redis://[[user]:password@]host[:port][/db]`, `rediss://...?ssl_cert_reqs=...`,
 * `redis+socket:///path?virtual_host=db` (also `socket://`, `unix://...?db=`), `sentinel://[:password@]host:26379[/db]`,
 * and `;`-separated lists (failover servers, or all the sentinels). User and password are percent-decoded. TLS
 * verifies the server unless `ssl_cert_reqs=CERT_NONE`/`none` (kombu alone defaults a bare `rediss://` to CERT_NONE;
 * this transport does not). Unknown query parameters are refused, as kombu's `Connection` refuses unknown arguments.
 */
export function parseRedisUrl(url: string): RedisTarget {
  const parts = url
    .split(";")
    .map((u) => u.trim())
    .filter((u) => u !== "");
  if (parts.length === 0) throw invalid(url, "no URL given");
  const schemes = parts.map((p) => schemeOf(p));
  const sentinel = schemes.map((s) => s === "sentinel");
  if (sentinel.some((s) => s) && !sentinel.every((s) => s)) throw invalid(url, "sentinel:// URLs cannot be mixed with other schemes");
  if (sentinel[0] === true) {
    const first = parseOne(parts[0] as string, "sentinel");
    return {
      kind: "sentinel",
      sentinels: parts.map((p) => {
        const e = parseOne(p, "sentinel");
        return { host: e.host, port: e.port };
      }),
      username: first.username,
      password: first.password,
      db: first.db,
      tls: first.tls,
    };
  }
  const servers = parts.map((p, i) => parseOne(p, schemes[i] as string));
  return { kind: "servers", servers, db: (servers[0] as RedisServerEndpoint).db };
}

function schemeOf(url: string): string {
  const m = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url);
  if (m === null) throw invalid(url, "is not a URL (scheme://...)");
  const scheme = (m[1] as string).toLowerCase();
  if (!["redis", "rediss", "redis+socket", "socket", "unix", "sentinel"].includes(scheme)) {
    throw invalid(url, `scheme ${scheme}:// is not a Redis scheme (redis, rediss, redis+socket, unix, sentinel)`);
  }
  return scheme;
}

function parseOne(url: string, scheme: string): RedisServerEndpoint {
  const rest = url.slice(url.indexOf("://") + 3);
  const socket = scheme === "redis+socket" || scheme === "socket" || scheme === "unix";
  let parsed: URL;
  try {
    // A socket URL is `[userinfo@]/path`: read it as a path of a placeholder host, keeping its credentials.
    const at = rest.indexOf("@");
    const slash = rest.indexOf("/");
    const authority = socket && at >= 0 && at < (slash < 0 ? Infinity : slash) ? rest.slice(0, at + 1) : "";
    parsed = new URL(socket ? `http://${authority}socket${rest.slice(authority.length)}` : `http://${rest}`);
  } catch (e) {
    throw invalid(url, "cannot be parsed", e);
  }
  const query = new Map<string, string>();
  for (const [k, v] of parsed.searchParams) {
    if (!QUERY_KEYS.has(k))
      throw invalid(url, `query parameter ${k} is not supported (${[...QUERY_KEYS].join(", ")}); pass transport settings in transportOptions`);
    query.set(k, v);
  }
  const path = decodeURIComponent(parsed.pathname);
  const dbText = socket ? (query.get("virtual_host") ?? query.get("db") ?? "") : (query.get("virtual_host") ?? path.replace(/^\//, ""));
  if (!/^\d*$/.test(dbText)) throw invalid(url, `database must be an integer, not ${JSON.stringify(dbText)}`);
  const timeout = query.get("connect_timeout");
  const connectTimeout = timeout === undefined ? null : Number(timeout);
  if (connectTimeout !== null && !(connectTimeout > 0)) throw invalid(url, "connect_timeout must be a positive number of seconds");
  const host = parsed.hostname.replace(/^\[(.*)\]$/, "$1");
  if (socket && (path === "" || path === "/")) throw invalid(url, "a socket URL needs a path (redis+socket:///path/to/redis.sock)");
  return {
    kind: socket ? "socket" : "tcp",
    host: socket ? "" : host || "127.0.0.1",
    port: parsed.port === "" ? (scheme === "sentinel" ? 26379 : 6379) : Number(parsed.port),
    path: socket ? path : "",
    username: parsed.username === "" ? null : decodeURIComponent(parsed.username),
    password: parsed.password === "" ? null : decodeURIComponent(parsed.password),
    db: dbText === "" ? 0 : Number(dbText),
    tls: scheme === "rediss" || query.has("ssl_cert_reqs") ? tlsOptions(url, query) : null,
    connectTimeout,
  };
}

function tlsOptions(url: string, query: ReadonlyMap<string, string>): TlsConnectionOptions {
  const ssl = Object.fromEntries([...query].filter(([key]) => REDIS_SSL_KEYS.has(key)));
  // Verifies unless the URL says otherwise (kombu alone would not verify a bare rediss://).
  return { rejectUnauthorized: true, ...toRedisTlsOptions(ssl, `broker URL ${maskPassword(url)}: `) };
}

function invalid(url: string, reason: string, cause?: unknown): CeleryProtoError {
  return new CeleryProtoError("InvalidOption", `broker URL ${maskPassword(url)}: ${reason}`, cause === undefined ? {} : { cause });
}

function maskPassword(url: string): string {
  return url.replace(/\/\/([^@/]*):([^@/]*)@/, "//$1:**@");
}
