// The worker-input fuzzer outside CI: N cases through a live built `proto worker` on Redis (and, while the batch before
// runs, through the codec in both wire forms), sizes up to the broker's limits. Prints crashes, stalls, refusals per
// code and peak RSS. Usage (bench/fuzz.sh): node --import tsx conformance/fuzz/run.ts --cases 100000 --seed 1
// [--batch 1000] [--concurrency 16]
import { parseArgs } from "node:util";
import fc from "fast-check";
import { redisDbUrl } from "../harness/broker-urls.js";
import { ensureBuilt } from "../harness/ensure-built.js";
import { decodeAmqpInput, decodeRedisInput } from "./decode-outcome.js";
import { FUZZ_ACCEPT, loadFuzzSeeds } from "./fuzz-seeds.js";
import { LiveFuzzFailure, type LiveInput, LiveFuzzWorker } from "./live-fuzz-worker.js";
import { buildCase, describeCase, fuzzCaseArbitrary, type FuzzLimits } from "./wire-mutations.js";
import { describeModel, renderAmqpParts, renderRedisEnvelope } from "./wire-model.js";

const { values } = parseArgs({
  options: {
    cases: { type: "string", default: "100000" },
    seed: { type: "string", default: "1" },
    batch: { type: "string", default: "1000" },
    concurrency: { type: "string", default: "16" },
    "redis-db": { type: "string", default: "19" },
    "deadline-ms": { type: "string", default: "120000" },
  },
});
const total = Number(values.cases);
const seed = Number(values.seed);
const batchSize = Number(values.batch);
const concurrency = Number(values.concurrency);
const deadlineMs = Number(values["deadline-ms"]);
const brokerUrl = redisDbUrl(Number(values["redis-db"]));
/** Large but bounded: 4 MB pads, 32 MB bombs, nesting to 20,000 (one size in 20 past the typical ones; a batch is held in memory). */
const LIMITS: FuzzLimits = { maxPadBytes: 4 * 1024 * 1024, maxDepth: 20_000, maxBombBytes: 32 * 1024 * 1024 };

/** One batch's inputs for the live worker, after each went through the codec in both wire forms. */
interface PreparedBatch {
  readonly inputs: LiveInput[];
  readonly codecFindings: number;
}

ensureBuilt();
const seeds = loadFuzzSeeds();
const arbitrary = fuzzCaseArbitrary(seeds, LIMITS);
let worker = await LiveFuzzWorker.start(brokerUrl, `fuzz-run-${process.pid}`, concurrency);
const refused = new Map<string, number>();
let ran = 0;
let skipped = 0;
let crashes = 0;
let stalls = 0;
let codecFindings = 0;
let peakRss = worker.rssBytes();
const firstRss = peakRss;
const started = Date.now();
const batches = Math.ceil(total / batchSize);
// The next batch goes through the codec while the worker runs this one.
let next: Promise<PreparedBatch> = prepareBatch(0);
for (let batch = 0; batch < batches; batch++) {
  const prepared = await next;
  codecFindings += prepared.codecFindings;
  const running = worker.runBatch(prepared.inputs, deadlineMs);
  if (batch + 1 < batches) {
    next = prepareBatch(batch + 1);
    next.catch(() => undefined); // awaited at the next batch; not an unhandled rejection meanwhile
  }
  try {
    const report = await running;
    ran += report.ran;
    skipped += report.skipped;
    for (const [key, count] of report.refused) refused.set(key, (refused.get(key) ?? 0) + count);
    peakRss = Math.max(peakRss, report.rssBytes);
  } catch (e) {
    const message = (e as Error).message;
    if (/^stall/.test(message)) stalls++;
    else crashes++;
    console.log(`BATCH ${batch} FAILED (${e instanceof LiveFuzzFailure ? "worker" : "harness"}): ${message.slice(0, 6000)}`);
    await worker.stop();
    worker = await LiveFuzzWorker.start(brokerUrl, `fuzz-run-${process.pid}-${batch}`, concurrency);
  }
  const done = Math.min(total, (batch + 1) * batchSize);
  console.log(
    `${done}/${total} cases, ${ran} ran, ${[...refused.values()].reduce((a, b) => a + b, 0)} refused, ${skipped} skipped, rss ${mb(peakRss)} MB peak, ${Math.round((Date.now() - started) / 1000)} s`,
  );
}
await worker.stop();
console.log(`\nseed ${seed}, ${total} cases (batches of ${batchSize}, worker -c ${concurrency}) in ${Math.round((Date.now() - started) / 1000)} s`);
console.log(`crashes: ${crashes}, stalls: ${stalls}, codec findings: ${codecFindings}`);
console.log(`ran: ${ran}, skipped (future eta, expiring, duplicate id): ${skipped}`);
console.log(`worker RSS: ${mb(firstRss)} MB at start, ${mb(peakRss)} MB peak`);
console.log("refused by log line and code:");
for (const [key, count] of [...refused].sort((a, b) => b[1] - a[1])) console.log(`  ${key}: ${count}`);
process.exitCode = crashes + stalls + codecFindings === 0 ? 0 : 1;

/** Generates batch `batch` (seeded by the run's seed and its index) and decodes each case in both wire forms. */
async function prepareBatch(batch: number): Promise<PreparedBatch> {
  const n = Math.min(batchSize, total - batch * batchSize);
  const cases = fc.sample(arbitrary, { seed: seed * 1_000_003 + batch, numRuns: n });
  const inputs: LiveInput[] = [];
  let findings = 0;
  for (const [i, fuzzCase] of cases.entries()) {
    // Lets the running batch's checks and Redis replies through between cases.
    if (i % 8 === 0) await new Promise((r) => setImmediate(r));
    const model = buildCase(fuzzCase);
    const describe = (): string => `seed ${seed} batch ${batch}: ${describeCase(fuzzCase)}\n${describeModel(model)}`;
    const envelope = renderRedisEnvelope(model);
    try {
      decodeAmqpInput(renderAmqpParts(model), FUZZ_ACCEPT);
      decodeRedisInput(envelope, FUZZ_ACCEPT);
    } catch (e) {
      findings++;
      console.log(`CODEC FINDING ${(e as Error).message}\n${describe().slice(0, 4000)}`);
    }
    inputs.push({ envelope, describe });
  }
  return { inputs, codecFindings: findings };
}

function mb(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}
