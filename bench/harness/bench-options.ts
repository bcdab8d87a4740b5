import type { Scenario } from "./contender.js";

export interface BenchOptions {
  readonly rounds: number;
  readonly count: number;
  readonly calls: number;
  readonly only: readonly Scenario[];
  /** Only contenders whose name contains this text (for working on one row; the targets need the full set). */
  readonly match: string;
  /** Where the JSON of every sample is written. */
  readonly out: string;
}

const SCENARIOS: readonly Scenario[] = ["drain", "latency", "producer"];
const USAGE = "usage: bench/run.sh [--rounds 5] [--count 20000] [--calls 1000] [--only drain,latency,producer] [--match text] [--out file.json]";

/** Parses the command line of bench/run.ts; an unknown flag or a bad value throws with the usage. */
export function parseBenchOptions(argv: readonly string[], now: Date): BenchOptions {
  let rounds = 5;
  let count = 20_000;
  let calls = 1000;
  let only: readonly Scenario[] = SCENARIOS;
  let match = "";
  let out = `.tmp/bench/${now.toISOString().replace(/[:.]/g, "-")}.json`;
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (value === undefined) throw new Error(`${flag}: needs a value\n${USAGE}`);
    if (flag === "--rounds") rounds = positive(flag, value);
    else if (flag === "--count") count = positive(flag, value);
    else if (flag === "--calls") calls = positive(flag, value);
    else if (flag === "--out") out = value;
    else if (flag === "--match") match = value;
    else if (flag === "--only") {
      only = value.split(",").map((s) => {
        if (!SCENARIOS.includes(s as Scenario)) throw new Error(`--only: ${JSON.stringify(s)} is not one of ${SCENARIOS.join(", ")}\n${USAGE}`);
        return s as Scenario;
      });
    } else throw new Error(`unknown flag ${JSON.stringify(flag)}\n${USAGE}`);
  }
  return { rounds, count, calls, only, match, out };
}

function positive(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag}: must be a positive integer, got ${JSON.stringify(value)}\n${USAGE}`);
  return n;
}
