import os from "node:os";

/**
 * Celery's node name for `-n` (C:celery/utils/nodenames.py `default_nodename` then `host_format`): a missing
 * `name@` part becomes `celery@`, a missing host this machine's; then `%h` is the full host name, `%n` its first
 * label, `%d` the domain, `%i`/`%I` the pool process index (`0`/empty in the main process), `%%` a percent sign.
 */
export function expandNodeName(pattern: string, host: string = os.hostname()): string {
  const at = pattern.indexOf("@");
  const name = at < 0 ? "" : pattern.slice(0, at);
  const nodeHost = at < 0 ? pattern : pattern.slice(at + 1);
  const full = `${name === "" ? "celery" : name}@${nodeHost === "" ? host : nodeHost}`;
  const dot = host.indexOf(".");
  const keys: Readonly<Record<string, string>> = {
    h: host,
    n: dot < 0 ? host : host.slice(0, dot),
    d: dot < 0 ? "" : host.slice(dot + 1),
    i: "0",
    I: "",
    "%": "%",
  };
  return full.replace(/%([a-zA-Z%])/g, (match, key: string) => keys[key] ?? match);
}
