import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import { encodeKombuJson } from "../../sdk/src/codec/json/kombu-json.js";
import { parsePythonJson } from "../../sdk/src/codec/json/parse-python-json.js";
import { stringifyPythonJson, type PlainJson } from "../../sdk/src/codec/json/python-json-stringify.js";
import { readRedisEnvelope } from "../../sdk/src/codec/redis/decode-redis-envelope.js";
import { encodeRedisEnvelope } from "../../sdk/src/codec/redis/encode-redis-envelope.js";
import { createTaskMessage } from "../../sdk/src/codec/task/create-task-message.js";
import { CeleryProtoError } from "../../sdk/src/errors/celery-proto-error.js";
import { classifyRefusal } from "../../worker/src/consumer/classify-refusal.js";
import { ProtoWorkerProcess } from "../harness/proto-worker-process.js";
import { decodeRedisInput } from "./decode-outcome.js";
import { FUZZ_ACCEPT } from "./fuzz-seeds.js";
import { FUZZ_TASK_NAMES } from "./fuzz-tasks.js";

const TASKS = "conformance/fuzz/fuzz-tasks.ts";
const REGISTERED: ReadonlySet<string> = new Set(FUZZ_TASK_NAMES);

/** One input for the live worker: the exact Redis list entry, and a description (seed, mutations) for failures. */
export interface LiveInput {
  readonly envelope: string;
  readonly describe: () => string;
}

/** What the worker must do with an input, from the codec's decode of the same bytes. */
type Expected =
  | { readonly kind: "run"; readonly id: string; readonly result: string }
  /** `ignore_result`: no result is stored, so its `succeeded` log line is what shows it ran. */
  | { readonly kind: "run-unstored"; readonly id: string }
  | { readonly kind: "refuse"; readonly line: RefusalLine; readonly code: string }
  | { readonly kind: "skip"; readonly why: string };

/** The log line a refusal prints (worker/src/consumer/receive-delivery.ts, the Redis consumer for envelopes). */
type RefusalLine = "invalid-task" | "decode-error" | "unknown-message" | "unknown-task" | "envelope";

const LINE_PATTERNS: Readonly<Record<RefusalLine, RegExp>> = {
  "invalid-task": /Received invalid task message: (\w+): /g,
  "decode-error": /Can't decode message body: (\w+): /g,
  "unknown-message": /Received and deleted unknown message\. {2}Wrong destination/g,
  "unknown-task": /Received unregistered task of type /g,
  envelope: /consumer: (\w+): message from queue "[^"]*" dropped: /g,
};

export interface BatchReport {
  readonly sent: number;
  readonly ran: number;
  readonly skipped: number;
  /** Refusals by `<log line>:<code>` as the codec predicted them (and the worker logged them). */
  readonly refused: ReadonlyMap<string, number>;
  /** The worker's largest resident set seen while the batch ran (sampled at each check), in bytes. */
  readonly rssBytes: number;
}

/** A failed batch: names what went wrong and, for a wrong outcome, the exact input. */
export class LiveFuzzFailure extends Error {
  override readonly name = "LiveFuzzFailure";
}

/**
 * A built `proto worker` (dist/, as users run it) on a private queue of a Redis database, fed fuzzed envelopes in
 * batches. After each batch a valid sentinel task must complete within `deadlineMs`, every accepted input must have
 * stored SUCCESS with exactly the args/kwargs the codec decoded, every refused one must have its log line and code,
 * and the queue and `unacked` must be empty.
 */
export class LiveFuzzWorker {
  private sentinelCount = 0;

  private constructor(
    private readonly worker: ProtoWorkerProcess,
    private readonly redis: Redis,
    private readonly queue: string,
    private readonly configDir: string,
  ) {}

  /** Starts the worker (dist/ must be built: `ensureBuilt`). Flushes `brokerUrl`'s database first. */
  static async start(brokerUrl: string, queue: string, concurrency = 4): Promise<LiveFuzzWorker> {
    const redis = new Redis(brokerUrl, { maxRetriesPerRequest: 2 });
    await redis.flushdb();
    const configDir = mkdtempSync(path.join(tmpdir(), "proto-fuzz-"));
    const config = path.join(configDir, "celeryconfig.json");
    writeFileSync(config, JSON.stringify({ accept_content: FUZZ_ACCEPT }));
    const worker = await ProtoWorkerProcess.startBuilt(
      [
        ...["-A", TASKS, "-b", brokerUrl, "--backend", brokerUrl, "-Q", queue, "-c", String(concurrency), "-l", "info"],
        ...["--without-mingle", "--without-heartbeat", "--without-gossip", "--config", config],
      ],
      { CELERY_PROTO_CONFIG: "" },
    );
    return new LiveFuzzWorker(worker, redis, queue, configDir);
  }

  get pid(): number {
    return this.worker.pid;
  }

  /** The worker's VmRSS in bytes (Linux /proc). */
  rssBytes(): number {
    const status = readFileSync(`/proc/${this.worker.pid}/status`, "utf8");
    const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    if (kb === undefined) throw new Error(`no VmRSS in /proc/${this.worker.pid}/status`);
    return Number(kb) * 1024;
  }

  /** Sends `inputs`, then a sentinel, and checks every outcome (see the class comment). */
  async runBatch(inputs: readonly LiveInput[], deadlineMs: number): Promise<BatchReport> {
    const expected = new Map<LiveInput, Expected>();
    const ids = new Set<string>();
    for (const input of inputs) {
      let e = expect(input.envelope);
      if (e.kind === "run" || e.kind === "run-unstored") {
        if (ids.has(e.id)) e = { kind: "skip", why: "duplicate id in batch" };
        else ids.add(e.id);
      }
      expected.set(input, e);
    }
    const toSend = inputs.filter((i) => expected.get(i)?.kind !== "skip");
    const sentinel = `fuzz-sentinel-${process.pid}-${++this.sentinelCount}`;
    const sentinelEnvelope = encodeRedisEnvelope(createTaskMessage({ task: "conformance.add", id: sentinel, args: [1, 2] }), {
      exchange: "",
      routingKey: this.queue,
    });
    const pipeline = this.redis.pipeline();
    for (const input of toSend) pipeline.lpush(this.queue, input.envelope);
    pipeline.lpush(this.queue, sentinelEnvelope);
    await pipeline.exec();

    const runs = [...expected.values()].filter((e): e is Extract<Expected, { kind: "run" }> => e.kind === "run");
    const wantLines = new Map<RefusalLine, number>();
    for (const e of expected.values()) if (e.kind === "refuse") wantLines.set(e.line, (wantLines.get(e.line) ?? 0) + 1);
    const deadline = Date.now() + deadlineMs;
    let state = "";
    let peakRss = 0;
    for (;;) {
      if (existsSync(`/proc/${this.worker.pid}`)) peakRss = Math.max(peakRss, this.rssBytes());
      const exited = this.log.match(/\n[^\n]*(FATAL|Unhandled|uncaught)[^\n]*/i);
      const stored = await this.storedCount([sentinel, ...runs.map((r) => r.id)]);
      const unstored = [...expected.values()].filter((e) => e.kind === "run-unstored" && !this.log.includes(`[${e.id}] succeeded`)).length;
      const lines = this.countLines();
      const left = (await this.redis.llen(this.queue)) + (await this.redis.hlen("unacked"));
      state = `${stored}/${runs.length + 1} results stored (sentinel ${sentinel} included), ${left} left in queue+unacked, refusal lines ${fmt(lines.count)} of ${fmt(wantLines)}`;
      if (!existsSync(`/proc/${this.worker.pid}`)) throw new LiveFuzzFailure(`crash: the worker process exited — ${state}\n${this.log.slice(-3000)}`);
      if (exited !== null) throw new LiveFuzzFailure(`the worker logged ${exited[0].trim()} — ${state}`);
      state += `, ${unstored} ignore_result tasks without their succeeded line`;
      if (stored === runs.length + 1 && unstored === 0 && left === 0 && sameCounts(lines.count, wantLines)) break;
      if (Date.now() > deadline) {
        throw new LiveFuzzFailure(
          `stall: the batch of ${toSend.length} inputs and the sentinel task ${sentinel} did not complete within the ${deadlineMs} ms deadline: ${state}\n${await this.describeMissing(toSend, expected)}\n${await this.describeLeftovers(toSend)}\nlast log lines:\n${this.log.slice(-2000)}`,
        );
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    const refused = new Map<string, number>();
    for (const e of expected.values()) if (e.kind === "refuse") refused.set(`${e.line}:${e.code}`, (refused.get(`${e.line}:${e.code}`) ?? 0) + 1);
    const logged = this.countLines();
    for (const [key, n] of logged.codes) {
      if ((refused.get(key) ?? 0) !== n)
        throw new LiveFuzzFailure(`the worker logged ${n} refusals ${key}, the codec predicted ${refused.get(key) ?? 0}: ${fmt(refused)}`);
    }
    for (const input of toSend) {
      const e = expected.get(input) as Expected;
      if (e.kind !== "run") continue;
      const meta = await this.redis.get(`celery-task-meta-${e.id}`);
      const parsed = parsePythonJson(meta ?? "null") as { status?: string; result?: PlainJson } | null;
      const got = parsed?.status === "SUCCESS" ? stringifyPythonJson(parsed.result ?? null) : `${parsed?.status}: ${meta?.slice(0, 2000)}`;
      if (got !== e.result)
        throw new LiveFuzzFailure(
          `task ${e.id} ran with other args than the codec decoded:\n  ran: ${got.slice(0, 2000)}\n  decoded: ${e.result.slice(0, 2000)}\n${input.describe()}`,
        );
    }
    this.worker.discardLog();
    await this.redis.flushdb();
    const ran = runs.length + [...expected.values()].filter((e) => e.kind === "run-unstored").length;
    return { sent: toSend.length, ran, skipped: inputs.length - toSend.length, refused, rssBytes: Math.max(peakRss, this.rssBytes()) };
  }

  async stop(): Promise<void> {
    await this.worker.stop();
    this.redis.disconnect();
    rmSync(this.configDir, { recursive: true, force: true });
  }

  /** The worker's output since the last batch (earlier batches' output is discarded). */
  get log(): string {
    return this.worker.log;
  }

  /** For a stall: the inputs expected to run that stored no result, with the worker's log lines that name them. */
  private async describeMissing(sent: readonly LiveInput[], expected: ReadonlyMap<LiveInput, Expected>): Promise<string> {
    const out: string[] = [];
    for (const input of sent) {
      const e = expected.get(input) as Expected;
      if (e.kind !== "run" || (await this.redis.exists(`celery-task-meta-${e.id}`)) === 1) continue;
      const lines = this.log.split("\n").filter((l) => l.includes(e.id));
      out.push(`no result for ${e.id}; log: ${lines.join(" | ").slice(0, 1500) || "(nothing)"}\n${input.describe().slice(0, 3000)}`);
      if (out.length === 3) break;
    }
    return out.join("\n");
  }

  /** For a stall: what is still in the queue or `unacked` (its delivery tag), and the inputs those entries are. */
  private async describeLeftovers(sent: readonly LiveInput[]): Promise<string> {
    const queued = await this.redis.lrange(this.queue, 0, 2);
    const unacked = Object.entries(await this.redis.hgetall("unacked")).slice(0, 3);
    const out = [
      ...queued.map((entry) => ({ where: "queued", entry })),
      ...unacked.map(([tag, entry]) => ({ where: `unacked under tag ${JSON.stringify(tag)}`, entry })),
    ].map(({ where, entry }) => {
      const input = sent.find((i) => entry.includes(i.envelope));
      return `${where}: ${input === undefined ? entry.slice(0, 1500) : input.describe().slice(0, 3000)}`;
    });
    return out.join("\n");
  }

  private async storedCount(ids: readonly string[]): Promise<number> {
    if (ids.length === 0) return 0;
    const values = await this.redis.mget(...ids.map((id) => `celery-task-meta-${id}`));
    return values.filter((v) => v !== null).length;
  }

  private countLines(): { count: Map<RefusalLine, number>; codes: Map<string, number> } {
    const log = this.log;
    const count = new Map<RefusalLine, number>();
    const codes = new Map<string, number>();
    for (const [line, pattern] of Object.entries(LINE_PATTERNS) as [RefusalLine, RegExp][]) {
      for (const m of log.matchAll(pattern)) {
        count.set(line, (count.get(line) ?? 0) + 1);
        if (m[1] !== undefined) codes.set(`${line}:${m[1]}`, (codes.get(`${line}:${m[1]}`) ?? 0) + 1);
      }
    }
    return { count, codes };
  }
}

/** What the worker does with `envelope`, predicted from the codec: the consumer's read, Celery's order of checks. */
function expect(envelope: string): Expected {
  let headers: unknown;
  try {
    headers = readRedisEnvelope(envelope).headers ?? {};
  } catch (e) {
    return { kind: "refuse", line: "envelope", code: CeleryProtoError.from(e).code };
  }
  const mapping = typeof headers === "object" && headers !== null && !Array.isArray(headers) && !(headers instanceof Uint8Array);
  if (!mapping) return { kind: "refuse", line: "unknown-message", code: "InvalidHeaders" };
  const h = headers as Record<string, unknown>;
  if (typeof h["task"] === "string" && !REGISTERED.has(h["task"]) && typeof h["id"] === "string")
    return { kind: "refuse", line: "unknown-task", code: "UnknownTask" };
  const outcome = decodeRedisInput(envelope, FUZZ_ACCEPT);
  if (outcome.kind === "refused") {
    const line = classifyRefusal(outcome.code, "task" in h);
    return { kind: "refuse", line, code: outcome.code };
  }
  const { request } = outcome;
  if (!REGISTERED.has(request.task)) return { kind: "refuse", line: "unknown-task", code: "UnknownTask" };
  if (request.eta !== null && request.eta.getTime() > Date.now()) return { kind: "skip", why: "eta in the future" };
  if (request.expires !== null && request.expires.getTime() < Date.now() + 3_600_000) return { kind: "skip", why: "expires (soon)" };
  if (request.ignoreResult === true) return { kind: "run-unstored", id: request.id };
  let result: string;
  try {
    result = stringifyPythonJson(parsePythonJson(encodeKombuJson({ args: [...request.args], kwargs: request.kwargs })) as PlainJson);
  } catch {
    return { kind: "skip", why: "args the result backend cannot store" };
  }
  return { kind: "run", id: request.id, result };
}

function sameCounts(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): boolean {
  for (const key of new Set([...a.keys(), ...b.keys()])) if ((a.get(key) ?? 0) !== (b.get(key) ?? 0)) return false;
  return true;
}

function fmt(counts: ReadonlyMap<string, number>): string {
  return `{${[...counts].map(([k, n]) => `${k}: ${n}`).join(", ")}}`;
}
