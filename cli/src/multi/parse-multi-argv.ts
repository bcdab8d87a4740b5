import os from "node:os";
import { CeleryProtoError } from "../../../sdk/src/errors/celery-proto-error.js";
import { formatNodePath } from "../worker-flags/format-node-path.js";

/** `proto multi` sub-commands (Celery's `MultiTool.commands`, `names`/`expand`/`get` aside). */
export const MULTI_COMMANDS = ["start", "stop", "stopwait", "restart", "kill", "show"] as const;
export type MultiCommand = (typeof MULTI_COMMANDS)[number];

/** One worker node of the cluster: its name, files and the `proto worker` arguments that start it. */
export interface MultiNode {
  /** `w1@host`. */
  readonly name: string;
  /** The pidfile, expanded (`%n` → the node's short name), relative to the current directory. */
  readonly pidfile: string;
  /** The logfile, `%I` left for the worker (empty in its main process). */
  readonly logfile: string;
  /** Arguments after `proto worker`. */
  readonly argv: readonly string[];
}

export interface MultiInvocation {
  readonly command: MultiCommand;
  readonly nodes: readonly MultiNode[];
  /** The signal `stop`/`stopwait`/`restart` send (`-INT`, `-9`, ...). Default SIGTERM. */
  readonly signal: NodeJS.Signals;
  /** `-q/--quiet`: only errors. */
  readonly quiet: boolean;
  /** `--nosplash`: no `celery multi v...` line. */
  readonly nosplash: boolean;
}

/** Celery's multi defaults, in the current directory (Celery 5 puts them under /var/run/celery and /var/log/celery). */
export const DEFAULT_MULTI_PIDFILE = "%n.pid";
export const DEFAULT_MULTI_LOGFILE = "%n%I.log";

const RESERVED: Readonly<Record<string, "quiet" | "nosplash" | "ignored">> = {
  "--quiet": "quiet",
  "-q": "quiet",
  "--nosplash": "nosplash",
  "--verbose": "ignored",
  "--no-color": "ignored",
};

/**
 * `proto multi <command> NAMES... [worker flags]` as Celery's `MultiParser` reads it: node names up to the first flag
 * (`w1` → `w1@<host>`, `w1@h` kept, a single number `3` → `celery1@<host>`..`celery3@<host>`); every flag after them
 * goes to each node's `proto worker`, with `-n`, `--pidfile` (default `%n.pid`) and `--logfile` (default `%n%I.log`)
 * per node. For stop/stopwait/restart a trailing `-TERM`, `-INT`, `-9`-style argument is the signal to send.
 */
export function parseMultiArgv(argv: readonly string[], host: string = os.hostname()): MultiInvocation {
  let quiet = false;
  let nosplash = false;
  const args: string[] = [];
  for (const arg of argv) {
    const reserved = RESERVED[arg];
    if (reserved === "quiet") quiet = true;
    else if (reserved === "nosplash") nosplash = true;
    else if (reserved === undefined) args.push(arg);
  }
  const [command, ...rest] = args;
  if (command === undefined || !(MULTI_COMMANDS as readonly string[]).includes(command))
    throw new CeleryProtoError("InvalidOption", `multi: the command must be one of ${MULTI_COMMANDS.join(", ")}, got ${JSON.stringify(command ?? "")}`);
  const firstFlag = rest.findIndex((arg) => arg.startsWith("-"));
  const names = firstFlag < 0 ? rest : rest.slice(0, firstFlag);
  let passthrough = firstFlag < 0 ? [] : rest.slice(firstFlag);
  let signal: NodeJS.Signals = "SIGTERM";
  if (command === "stop" || command === "stopwait" || command === "restart") {
    const found = findSignalArgument(passthrough);
    if (found !== null) {
      signal = found.signal;
      passthrough = passthrough.filter((_, i) => i !== found.index);
    }
  }
  if (names.length === 0) throw new CeleryProtoError("InvalidOption", `multi ${command}: name the nodes (e.g. w1 w2, or a count such as 3)`);
  const pidfile = takeOption(passthrough, ["--pidfile"]) ?? DEFAULT_MULTI_PIDFILE;
  const logfile = takeOption(passthrough, ["--logfile", "-f"]) ?? DEFAULT_MULTI_LOGFILE;
  const hostname = takeOption(passthrough, ["--hostname", "-n"]);
  const nodeHost = hostname ?? host;
  const expanded = names.length === 1 && /^\d+$/.test(names[0] ?? "") ? range(Number(names[0])).map((n) => `celery${n}`) : names;
  const nodes = expanded.map((name): MultiNode => {
    const nodename = name.includes("@") ? name.replace(/%h/g, host) : `${name}@${nodeHost}`;
    const nodePidfile = formatNodePath(pidfile, nodename);
    const nodeLogfile = formatNodePath(logfile.replace(/%I/g, "%%I"), nodename).replace(/%%I/g, "%I");
    return {
      name: nodename,
      pidfile: nodePidfile,
      logfile: nodeLogfile,
      argv: ["-n", nodename, `--pidfile=${nodePidfile}`, `--logfile=${nodeLogfile}`, ...passthrough],
    };
  });
  const seen = new Set<string>();
  for (const node of nodes) {
    if (seen.has(node.name)) throw new CeleryProtoError("InvalidOption", `multi: the node ${node.name} is named twice`);
    seen.add(node.name);
  }
  return { command: command as MultiCommand, nodes, signal, quiet, nosplash };
}

/** Celery's `_find_sig_argument`: the last `-9` / `-INT` / `-SIGINT`-style argument naming a signal. */
function findSignalArgument(args: readonly string[]): { readonly signal: NodeJS.Signals; readonly index: number } | null {
  const byNumber = new Map<number, NodeJS.Signals>(Object.entries(os.constants.signals).map(([name, n]) => [n, name as NodeJS.Signals]));
  for (let i = args.length - 1; i >= 0; i -= 1) {
    const arg = args[i] ?? "";
    if (!/^-[A-Za-z0-9]+$/.test(arg)) continue;
    const body = arg.slice(1);
    if (/^\d+$/.test(body)) {
      const signal = byNumber.get(Number(body));
      if (signal !== undefined) return { signal, index: i };
      continue;
    }
    const name = (body.toUpperCase().startsWith("SIG") ? body.toUpperCase() : `SIG${body.toUpperCase()}`) as NodeJS.Signals;
    if (body.length > 1 && name in os.constants.signals) return { signal: name, index: i };
  }
  return null;
}

/** Removes `--opt value` / `--opt=value` (any of `names`) from `args` and returns the last value given. */
function takeOption(args: string[], names: readonly string[]): string | undefined {
  let value: string | undefined;
  for (let i = 0; i < args.length; ) {
    const arg = args[i] ?? "";
    const eq = arg.indexOf("=");
    const name = eq < 0 ? arg : arg.slice(0, eq);
    if (!names.includes(name)) {
      i += 1;
      continue;
    }
    if (eq >= 0) {
      value = arg.slice(eq + 1);
      args.splice(i, 1);
    } else {
      value = args[i + 1];
      if (value === undefined) throw new CeleryProtoError("InvalidOption", `${name}: needs a value`);
      args.splice(i, 2);
    }
  }
  return value;
}

function range(n: number): number[] {
  if (!Number.isSafeInteger(n) || n < 1) throw new CeleryProtoError("InvalidOption", `multi: a node count must be an integer >= 1, got ${n}`);
  return Array.from({ length: n }, (_, i) => i + 1);
}
