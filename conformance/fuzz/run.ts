// The worker-input fuzzer outside CI: N cases through a live built `proto worker` on Redis (and, before each batch,
// through the codec in both wire forms), sizes up to the broker's limits. Prints crashes, stalls, refusals per code
// and peak RSS. Usage (bench/fuzz.sh): node --import tsx conformance/fuzz/run.ts --cases 100000 --seed 1 [--batch 500]
import { parseArgs } from "node:util";
import fc from "fast-check";
import { redisDbUrl } from "../harness/broker-urls.js";
import { ensureBuilt } from "../harness/ensure-built.js";
import { decodeAmqpInput, decodeRedisInput } from "./decode-outcome.js";
import { FUZZ_ACCEPT, loadFuzzSeeds } from "./fuzz-seeds.js";
import { LiveFuzzFailure, LiveFuzzWorker } from "./live-fuzz-worker.js";
import { buildCase, describeCase, fuzzCaseArbitrary, type FuzzLimits } from "./wire-mutations.js";
import { describeModel, renderAmqpParts, renderRedisEnvelope } from "./wire-model.js";

const { values } = parseArgs({
  options: {
    cases: { type: "string", default: "100000" },
    seed: { type: "string", default: "1" },
    batch: { type: "string", default: "500" },
    "redis-db": { type: "string", default: "19" },
    "deadline-ms": { type: "string", default: "120000" },
  },
});
const total = Number(values.cases);
const seed = Number(values.seed);
const batchSize = Number(values.batch);
const deadlineMs = Number(values["deadline-ms"]);
/** Large but bounded: 4 MB pads, 32 MB bombs, nesting to 20,000 (the harness holds a batch in memory). */
const LIMITS: FuzzLimits = { maxPadBytes: 4 * 1024 * 1024, maxDepth: 20_000, maxBombBytes: 32 * 1024 * 1024 };

ensureBuilt();
const seeds = loadFuzzSeeds();
const arbitrary = fuzzCaseArbitrary(seeds, LIMITS);
let worker = await LiveFuzzWorker.start(redisDbUrl(Number(values["redis-db"])), `fuzz-run-${process.pid}`);
const refused = new Map<string, number>();
let ran = 0;
let skipped = 0;
let crashes = 0;
let stalls = 0;
let codecFindings = 0;
let peakRss = worker.rssBytes();
const firstRss = peakRss;
const started = Date.now();
for (let done = 0, batch = 0; done < total; batch++) {
  const n = Math.min(batchSize, total - done);
  const cases = fc.sample(arbitrary, { seed: seed * 1_000_003 + batch, numRuns: n });
  const inputs = [];
  for (const fuzzCase of cases) {
    const model = buildCase(fuzzCase);
    const describe = (): string => `seed ${seed} batch ${batch}: ${describeCase(fuzzCase)}\n${describeModel(model)}`;
    try {
      decodeAmqpInput(renderAmqpParts(model), FUZZ_ACCEPT);
      decodeRedisInput(renderRedisEnvelope(model), FUZZ_ACCEPT);
    } catch (e) {
      codecFindings++;
      console.log(`CODEC FINDING ${(e as Error).message}\n${describe().slice(0, 4000)}`);
    }
    inputs.push({ envelope: renderRedisEnvelope(model), describe });
  }
  try {
    const report = await worker.runBatch(inputs, deadlineMs);
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
    worker = await LiveFuzzWorker.start(redisDbUrl(Number(values["redis-db"])), `fuzz-run-${process.pid}-${batch}`);
  }
  done += n;
  console.log(
    `${done}/${total} cases, ${ran} ran, ${[...refused.values()].reduce((a, b) => a + b, 0)} refused, ${skipped} skipped, rss ${mb(peakRss)} MB peak, ${Math.round((Date.now() - started) / 1000)} s`,
  );
}
await worker.stop();
console.log(`\nseed ${seed}, ${total} cases in ${Math.round((Date.now() - started) / 1000)} s`);
console.log(`crashes: ${crashes}, stalls: ${stalls}, codec findings: ${codecFindings}`);
console.log(`ran: ${ran}, skipped (future eta, expiring, duplicate id): ${skipped}`);
console.log(`worker RSS: ${mb(firstRss)} MB at start, ${mb(peakRss)} MB peak`);
console.log("refused by log line and code:");
for (const [key, count] of [...refused].sort((a, b) => b[1] - a[1])) console.log(`  ${key}: ${count}`);
process.exitCode = crashes + stalls + codecFindings === 0 ? 0 : 1;

function mb(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}
