import path from "node:path";

/** The repository root: every child process runs there. */
export const ROOT = path.resolve(import.meta.dirname, "../..");
export const PYTHON = path.join(ROOT, ".venv/bin/python");
export const CELERY = path.join(ROOT, ".venv/bin/celery");
/** The shipped CLI, started as users start it: through its shebang, with the node flags it sets. */
export const PROTO_BIN = path.join(ROOT, "bin/proto.js");
export const TASK_MODULE = "bench/tasks/noop-tasks.mjs";

/** Where bench/run.sh compiles bench/peers and bench/floors to (under bench/node_modules, so their imports resolve). */
export const COMPILED_SCRIPTS = path.join(ROOT, "bench/node_modules/.bench-js");

/**
 * Arguments that run a script of the bench in a fresh node. Those under bench/peers and bench/floors run as the plain
 * JS bench/run.sh compiled them to: the TypeScript loader alone adds ~30 MB to a process's RSS. Those under
 * bench/clients import dist/ as users do, so they run from source through tsx, which only delays their start.
 */
export function nodeScript(script: string, ...args: readonly (string | number)[]): readonly string[] {
  const rest = args.map(String);
  const compiled = /^bench\/(peers|floors)\/(.+)\.ts$/.exec(script);
  if (compiled !== null) return [path.join(COMPILED_SCRIPTS, compiled[1] as string, `${compiled[2]}.mjs`), ...rest];
  return ["--import", "tsx", path.join(ROOT, script), ...rest];
}

/** PYTHONPATH and broker settings for the conformance Celery app. */
export function pythonAppEnv(broker: string, queue: string, backend: string): Record<string, string> {
  return {
    PYTHONPATH: path.join(ROOT, "conformance/python"),
    CONFORMANCE_BROKER_URL: broker,
    CONFORMANCE_RESULT_BACKEND: backend,
    CONFORMANCE_QUEUE: queue,
  };
}
