// A long-running Python Celery CLIENT (the conformance app, any broker/backend) that runs snippets sent as JSON
// lines, one at a time, so a test can publish canvases with real Celery and read results through Python's own
// AsyncResult while TypeScript records the outcomes in between.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";

const ROOT = path.resolve(import.meta.dirname, "../..");
const MARK = "@@py@@";

const DRIVER = `
import json, sys
from celery import chain, chord, group, signature
from celery.result import GroupResult
from conformance_app import create_app
app = create_app(broker_url=sys.argv[1], result_backend=sys.argv[2], queue=sys.argv[3])
t = app.conformance_tasks
AsyncResult = app.AsyncResult
print("${MARK}" + json.dumps({"ok": "ready"}), flush=True)
for line in sys.stdin:
    req = json.loads(line)
    scope = dict(app=app, t=t, chain=chain, chord=chord, group=group, signature=signature, GroupResult=GroupResult,
                 AsyncResult=AsyncResult, arg=req.get("arg"))
    try:
        exec(req["code"], scope)
        reply = {"ok": scope.get("out")}
    except Exception as exc:
        reply = {"error": {"type": type(exc).__name__, "module": type(exc).__module__,
                           "args": [a if isinstance(a, (str, int, float)) else repr(a) for a in exc.args], "repr": repr(exc)}}
    print("${MARK}" + json.dumps(reply, default=repr), flush=True)
`;

/** The exception a snippet raised, as Python describes it. */
export interface PythonError {
  readonly type: string;
  readonly module: string;
  readonly args: unknown[];
  readonly repr: string;
}

export type PythonReply = { readonly ok: unknown } | { readonly error: PythonError };

export class PythonDriver {
  private readonly waiting: Array<(reply: PythonReply) => void> = [];
  private output = "";
  private chain: Promise<unknown> = Promise.resolve();

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    createInterface({ input: child.stdout }).on("line", (line) => {
      if (!line.startsWith(MARK)) {
        this.output += `${line}\n`;
        return;
      }
      this.waiting.shift()?.(JSON.parse(line.slice(MARK.length)) as PythonReply);
    });
    child.stderr.on("data", (d: Buffer) => (this.output += d.toString()));
  }

  /** Starts the client with the conformance app bound to `brokerUrl`, `resultBackend` and default queue `queue`. */
  static async start(brokerUrl: string, resultBackend: string, queue: string, venv = ".venv"): Promise<PythonDriver> {
    const child = spawn(path.join(ROOT, venv, "bin/python"), ["-c", DRIVER, brokerUrl, resultBackend, queue], {
      cwd: ROOT,
      env: { ...process.env, PYTHONPATH: path.join(ROOT, "conformance/python"), PYTHONUNBUFFERED: "1" },
    });
    const driver = new PythonDriver(child);
    const ready = new Promise<PythonReply>((resolve) => driver.waiting.push(resolve));
    const exited = new Promise<never>((_, reject) => child.once("exit", (code) => reject(new Error(`python driver exited (${code}):\n${driver.output}`))));
    await Promise.race([ready, exited]);
    return driver;
  }

  /** Runs a snippet (it sets `out`; `arg` holds the argument); snippets run in the order they were sent. */
  run(code: string, arg: unknown = null): Promise<PythonReply> {
    const reply = new Promise<PythonReply>((resolve) => this.waiting.push(resolve));
    this.child.stdin.write(`${JSON.stringify({ code, arg })}\n`);
    this.chain = reply;
    return reply;
  }

  /** `run`, expecting success: resolves with `out`, or rejects with Python's exception and the process output. */
  async value<T = unknown>(code: string, arg: unknown = null): Promise<T> {
    const reply = await this.run(code, arg);
    if ("error" in reply) throw new Error(`python raised ${reply.error.repr}\n${this.output}`);
    return reply.ok as T;
  }

  /** `run`, expecting an exception: resolves with it. */
  async error(code: string, arg: unknown = null): Promise<PythonError> {
    const reply = await this.run(code, arg);
    if (!("error" in reply)) throw new Error(`python returned ${JSON.stringify(reply.ok)} instead of raising`);
    return reply.error;
  }

  async stop(): Promise<void> {
    await this.chain.catch(() => undefined);
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
  }
}
