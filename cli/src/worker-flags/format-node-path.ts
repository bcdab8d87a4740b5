import os from "node:os";

/**
 * Celery's `node_format` (C:celery/utils/nodenames.py) for `--pidfile` and `--logfile`: for the node `name@host`,
 * `%n` is `name`, `%h` the host, `%d` its domain, `%p` the full node name, `%i` the process index (`0` in the main
 * process) and `%I` the index with a dash (empty in the main process), `%%` a percent sign.
 */
export function formatNodePath(pattern: string, nodename: string): string {
  const at = nodename.indexOf("@");
  const shortname = at < 0 ? "" : nodename.slice(0, at);
  const host = (at < 0 ? nodename : nodename.slice(at + 1)) || os.hostname();
  const dot = host.indexOf(".");
  const keys: Readonly<Record<string, string>> = {
    h: host,
    n: shortname || "celery",
    d: dot < 0 ? "" : host.slice(dot + 1),
    p: nodename,
    i: "0",
    I: "",
    "%": "%",
  };
  return pattern.replace(/%([a-zA-Z%])/g, (match, key: string) => keys[key] ?? match);
}
