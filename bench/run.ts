// The benchmark: every scenario, interleaved round by round, then the medians as tables with the targets' ratios and
// every sample as JSON. Run it through bench/run.sh, which installs the peers and builds dist/ first.
// Usage: node --import tsx bench/run.ts [--rounds 5] [--count 20000] [--calls 1000] [--only drain,latency,producer] [--match text] [--out file]
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { readBenchConditions } from "./harness/bench-conditions.js";
import { parseBenchOptions } from "./harness/bench-options.js";
import { ROOT } from "./harness/bench-paths.js";
import type { Contender } from "./harness/contender.js";
import { formatResults } from "./harness/format-results.js";
import { runRounds } from "./harness/run-rounds.js";
import { SampleMedians } from "./harness/sample-medians.js";
import { pythonDrainContenders } from "./scenarios/drain-python.js";
import { peerDrainContenders } from "./scenarios/drain-peers.js";
import { protoDrainContenders } from "./scenarios/drain-proto-worker.js";
import { rawFloorDrainContenders } from "./scenarios/drain-raw-floors.js";
import { producerContenders } from "./scenarios/producer-modes.js";
import { roundTripContenders } from "./scenarios/round-trip-latency.js";

const started = new Date();
const options = parseBenchOptions(process.argv.slice(2), started);
const all: Contender[] = [
  ...pythonDrainContenders(),
  ...peerDrainContenders(),
  ...rawFloorDrainContenders(),
  ...protoDrainContenders(),
  ...roundTripContenders(),
  ...producerContenders(),
];
const contenders = all.filter((c) => options.only.includes(c.scenario) && c.name.includes(options.match));
const conditions = { ...(await readBenchConditions(started)), options };
console.log(`bench: ${options.rounds} round(s) of ${contenders.length} contenders, ${options.count} tasks per drain/producer, ${options.calls} round trips`);
const records = await runRounds(contenders, options.rounds, { count: options.count, calls: options.calls }, (r) => {
  const shown =
    r.error === undefined
      ? Object.entries(r.metrics)
          .map(([k, v]) => `${k} ${v.toFixed(2)}`)
          .join(", ")
      : `FAILED: ${r.error.split("\n")[0]}`;
  console.log(`[round ${r.round}] ${r.scenario} ${r.broker} ${r.name}: ${shown} (${r.wallSeconds.toFixed(1)} s in all)`);
});
const out = path.resolve(ROOT, options.out);
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(
  out,
  `${JSON.stringify({ conditions: { ...conditions, finished: new Date().toISOString(), loadAverageAtEnd: os.loadavg() }, samples: records }, null, 1)}\n`,
);
const v = conditions.versions;
const heading = [
  `${started.toISOString().slice(0, 10)} at ${conditions.commit}: ${conditions.cpus} × ${conditions.cpuModel}, load average at start ${conditions.loadAverageAtStart.map((l) => l.toFixed(1)).join(" ")}`,
  `Node ${conditions.node}, Celery ${v["celery"]}, Redis ${v["redis"]}, RabbitMQ ${v["rabbitmq"]}, celery-node ${v["celery-node"]}, BullMQ ${v["bullmq"]}`,
  `${options.rounds} interleaved round(s), ${options.count} tasks per drain and producer, ${options.calls} round trips per latency sample`,
].join("\n");
console.log(`\n${formatResults(contenders, new SampleMedians(records), heading)}`);
console.log(`\nevery sample: ${path.relative(ROOT, out)}`);
for (const failed of records.filter((r) => r.error !== undefined))
  console.log(`\nround ${failed.round} ${failed.broker} ${failed.name} failed:\n${failed.error}`);
