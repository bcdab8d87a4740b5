import { CeleryProtoError } from "../../errors/celery-proto-error.js";

/** One broker address, resolved the way kombu resolves a Celery `broker_url` (defaults applied). */
export interface AmqpEndpoint {
  /** `amqps` = TLS. `pyamqp://` and `librabbitmq://` are plain `amqp`. */
  readonly protocol: "amqp" | "amqps";
  readonly hostname: string;
  readonly port: number;
  readonly username: string;
  readonly password: string;
  /** Decoded: `amqp://h/` and `amqp://h//` are `/`, `amqp://h/x` is `x`, `amqp://h/%2F` is `/`. */
  readonly vhost: string;
  /** The URL it came from, with the password masked (for logs and error messages). */
  readonly display: string;
}

const SCHEMES: Readonly<Record<string, "amqp" | "amqps">> = { amqp: "amqp", pyamqp: "amqp", librabbitmq: "amqp", amqps: "amqps" };

interface RawParts {
  readonly protocol: "amqp" | "amqps";
  readonly hostname: string | null;
  readonly port: number | null;
  readonly username: string | null;
  readonly password: string | null;
  readonly vhost: string | null;
  readonly display: string;
}

/**
 * Parses a Celery broker URL into endpoints, with kombu's semantics (K:kombu/utils/url.py `url_to_parts`,
 * K:kombu/connection.py `Connection.__init__`/`switch`):
 * - `;` separates failover alternates, tried in order and round-robin;
 * - user and password default to `guest`, host to `localhost`, port to 5672 (`amqps`: 5671), vhost to `/`;
 * - the path minus one leading `/` is the vhost, percent-decoded (`/x` → `x`, `//` and `/%2F` → `/`);
 * - an alternate without a port or vhost inherits them from the alternate before it, as kombu's `switch()` does
 *   (kombu keeps `port or self.port`); user and password are not inherited.
 * With `tls` (Celery's `broker_use_ssl`), every endpoint is `amqps`, its default port 5671.
 * Refuses other schemes and malformed ports with `InvalidOption` naming `url`.
 */
export function parseAmqpUrl(url: string, options: { readonly tls?: boolean } = {}): AmqpEndpoint[] {
  const pieces = url
    .split(";")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  if (pieces.length === 0) throw new CeleryProtoError("InvalidOption", "url: no broker URL given");
  const out: AmqpEndpoint[] = [];
  let inheritedPort: number | null = null;
  let inheritedVhost: string | null = null;
  for (const piece of pieces) {
    const parts = splitUrl(piece);
    const raw: RawParts = options.tls === true ? { ...parts, protocol: "amqps" } : parts;
    const port: number | null = raw.port ?? inheritedPort;
    const vhost: string | null = raw.vhost ?? inheritedVhost;
    inheritedPort = port;
    inheritedVhost = vhost;
    out.push({
      protocol: raw.protocol,
      hostname: raw.hostname ?? "localhost",
      port: port ?? (raw.protocol === "amqps" ? 5671 : 5672),
      username: raw.username ?? "guest",
      password: raw.password ?? "guest",
      vhost: vhost ?? "/",
      display: raw.display,
    });
  }
  return out;
}

function splitUrl(url: string): RawParts {
  const schemeMatch = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(url);
  if (schemeMatch === null)
    throw new CeleryProtoError("InvalidOption", `url: ${JSON.stringify(mask(url))} is not a URL (expected amqp://user:password@host:port/vhost)`);
  const scheme = schemeMatch[1]!.toLowerCase();
  const protocol = SCHEMES[scheme];
  if (protocol === undefined) {
    throw new CeleryProtoError(
      "InvalidOption",
      `url: scheme ${JSON.stringify(scheme)} is not an AMQP scheme (use amqp://, amqps://, pyamqp:// or librabbitmq://)`,
    );
  }
  // Python's urlsplit: the fragment goes first, then the query, and the netloc ends at the first '/'.
  let rest = url.slice(schemeMatch[0].length);
  const hash = rest.indexOf("#");
  if (hash >= 0) rest = rest.slice(0, hash);
  const slash = rest.search(/[/?]/);
  const netloc = slash < 0 ? rest : rest.slice(0, slash);
  let path = slash < 0 ? "" : rest.slice(slash);
  const question = path.indexOf("?");
  if (question >= 0) path = path.slice(0, question);

  const at = netloc.lastIndexOf("@");
  const userinfo = at < 0 ? null : netloc.slice(0, at);
  const hostport = at < 0 ? netloc : netloc.slice(at + 1);
  let username: string | null = null;
  let password: string | null = null;
  if (userinfo !== null) {
    const colon = userinfo.indexOf(":");
    username = colon < 0 ? userinfo : userinfo.slice(0, colon);
    password = colon < 0 ? null : userinfo.slice(colon + 1);
  }

  let host: string;
  let portText: string;
  if (hostport.startsWith("[")) {
    const close = hostport.indexOf("]");
    if (close < 0) throw new CeleryProtoError("InvalidOption", `url: ${JSON.stringify(mask(url))} has an unterminated IPv6 address`);
    host = hostport.slice(1, close);
    portText = hostport.slice(close + 1).replace(/^:/, "");
  } else {
    const colon = hostport.indexOf(":");
    host = colon < 0 ? hostport : hostport.slice(0, colon);
    portText = colon < 0 ? "" : hostport.slice(colon + 1);
  }
  let port: number | null = null;
  if (portText !== "") {
    if (!/^\d+$/.test(portText) || Number(portText) > 65535) {
      throw new CeleryProtoError("InvalidOption", `url: port ${JSON.stringify(portText)} in ${JSON.stringify(mask(url))} is not a number from 0 to 65535`);
    }
    port = Number(portText);
  }
  const vhostText = path.startsWith("/") ? path.slice(1) : path;
  return {
    protocol,
    hostname: orNull(unquote(host).toLowerCase()),
    port,
    username: orNull(unquote(username ?? "")),
    password: orNull(unquote(password ?? "")),
    vhost: orNull(unquote(vhostText)),
    display: `${scheme}://${userinfo === null ? "" : `${username ?? ""}${password === null ? "" : ":**"}@`}${hostport}${slash < 0 ? "" : rest.slice(slash)}`,
  };
}

/** kombu: `unquote(x or '') or None`: empty means "not given". */
function orNull(value: string): string | null {
  return value === "" ? null : value;
}

/** Python's `urllib.parse.unquote`: %XX sequences as UTF-8; malformed ones stay as written. */
function unquote(text: string): string {
  if (!text.includes("%")) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return text.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
      try {
        return decodeURIComponent(run);
      } catch {
        return run;
      }
    });
  }
}

/** Replaces the password in a URL with `**`, as kombu's `maybe_sanitize_url` does (for error messages). */
function mask(url: string): string {
  return url.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/[^:@/]*:)[^/]*@/, "$1**@");
}
