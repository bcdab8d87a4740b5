// The worker's input, fuzzed (fast-check, fixed seed): mutations of every golden task vector (headers, body, embed,
// envelope, properties, content types, encodings, compression, sizes). 2,000 cases go through the codec the worker
// uses (both the Redis envelope and the AMQP parts form): each decodes or is refused with a typed error and a code,
// never a raw TypeError/RangeError. 300 more go through a live built `proto worker` on Redis, in batches: each runs with
// exactly the args the codec decoded or is refused with its log line and code; a sentinel task after each batch
// completes within a named deadline, nothing is left in the queue or unacked, and the worker's RSS stays bounded.
// Reproduce a failure: the seed and path fast-check prints, or bench/fuzz.sh for the 100,000-case run.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import fc from "fast-check";
import { redisDbUrl } from "../harness/broker-urls.js";
import { ensureBuilt } from "../harness/ensure-built.js";
import { decodeAmqpInput, decodeRedisInput } from "../fuzz/decode-outcome.js";
import { FUZZ_ACCEPT, loadFuzzSeeds } from "../fuzz/fuzz-seeds.js";
import { LiveFuzzWorker } from "../fuzz/live-fuzz-worker.js";
import { buildCase, describeCase, fuzzCaseArbitrary, type FuzzLimits } from "../fuzz/wire-mutations.js";
import { describeModel, renderAmqpParts, renderRedisEnvelope } from "../fuzz/wire-model.js";

const SEED = 20261207;
const CODEC_CASES = 2_000;
const LIVE_BATCHES = 3;
const LIVE_BATCH_SIZE = 100;
const BATCH_DEADLINE_MS = 60_000;
/** Small enough for CI; bench/fuzz.sh goes up to the broker's limits. */
const LIMITS: FuzzLimits = { maxPadBytes: 4 * 1024, maxDepth: 1_000, maxBombBytes: 64 * 1024 };
const seeds = loadFuzzSeeds();

describe("worker input fuzzer: codec", () => {
  it(`${CODEC_CASES} mutated golden messages decode or are refused with a code (seed ${SEED})`, () => {
    assert.ok(seeds.length >= 50, `only ${seeds.length} golden task messages to mutate`);
    const outcomes = new Map<string, number>();
    fc.assert(
      fc.property(fuzzCaseArbitrary(seeds, LIMITS), (fuzzCase) => {
        const model = buildCase(fuzzCase);
        for (const [form, decode] of [
          ["redis", () => decodeRedisInput(renderRedisEnvelope(model), FUZZ_ACCEPT)],
          ["amqp", () => decodeAmqpInput(renderAmqpParts(model), FUZZ_ACCEPT)],
        ] as const) {
          try {
            const outcome = decode();
            const key = outcome.kind === "accepted" ? "accepted" : outcome.code;
            outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
          } catch (e) {
            throw new Error(`${form}: ${(e as Error).message}\n${describeCase(fuzzCase)}\n${describeModel(model)}`, { cause: e });
          }
        }
      }),
      { seed: SEED, numRuns: CODEC_CASES },
    );
    // The mutations reach both sides: many inputs still decode, and refusals cover the codec's main codes.
    assert.ok((outcomes.get("accepted") ?? 0) > CODEC_CASES / 5, `accepted: ${JSON.stringify([...outcomes])}`);
    for (const code of ["InvalidEnvelope", "InvalidBody", "InvalidHeaders", "DecodeError", "ContentDisallowed", "InvalidTypeWrapper", "DecompressionFailed"]) {
      assert.ok((outcomes.get(code) ?? 0) > 0, `no ${code} among ${JSON.stringify([...outcomes])}`);
    }
  });
});

describe("worker input fuzzer: live proto worker (redis)", { timeout: 240_000 }, () => {
  let worker: LiveFuzzWorker;

  before(async () => {
    ensureBuilt();
    worker = await LiveFuzzWorker.start(redisDbUrl(19), `t-fuzz-${process.pid}`);
  });
  after(async () => {
    await worker?.stop();
  });

  it(`${LIVE_BATCHES} x ${LIVE_BATCH_SIZE} mutated messages: run with the decoded args or refused with a code and a log line; the worker keeps serving`, async () => {
    const cases = fc.sample(fuzzCaseArbitrary(seeds, LIMITS), { seed: SEED + 1, numRuns: LIVE_BATCHES * LIVE_BATCH_SIZE });
    const rss: number[] = [];
    let ran = 0;
    let refused = 0;
    for (let b = 0; b < LIVE_BATCHES; b++) {
      const batch = cases.slice(b * LIVE_BATCH_SIZE, (b + 1) * LIVE_BATCH_SIZE).map((fuzzCase) => {
        const model = buildCase(fuzzCase);
        return { envelope: renderRedisEnvelope(model), describe: () => `${describeCase(fuzzCase)}\n${describeModel(model)}` };
      });
      const report = await worker.runBatch(batch, BATCH_DEADLINE_MS);
      ran += report.ran;
      refused += [...report.refused.values()].reduce((a, n) => a + n, 0);
      rss.push(report.rssBytes);
    }
    assert.ok(ran > 0 && refused > 0, `ran ${ran}, refused ${refused}`);
    // After the first batch (modules loaded, pools warm), the resident set must not keep growing.
    const [first, ...rest] = rss as [number, ...number[]];
    const peak = Math.max(...rest, first);
    assert.ok(peak < 2 * first + 50 * 1024 * 1024, `worker RSS grew from ${mb(first)} to ${mb(peak)} MB over the batches: ${rss.map(mb).join(", ")}`);
  });
});

function mb(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}
