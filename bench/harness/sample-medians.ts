import type { BrokerKind } from "../../conformance/harness/broker-urls.js";
import type { Scenario } from "./contender.js";
import type { SampleRecord } from "./run-rounds.js";
import { median } from "./sample-statistics.js";

/** Medians over the rounds of each contender's metrics; NaN where a contender has no successful sample. */
export class SampleMedians {
  constructor(private readonly records: readonly SampleRecord[]) {}

  of(scenario: Scenario, name: string, broker: BrokerKind, metric: string): number {
    const values = this.records
      .filter((r) => r.scenario === scenario && r.name === name && r.broker === broker && r.error === undefined)
      .map((r) => r.metrics[metric])
      .filter((v): v is number => v !== undefined);
    return median(values);
  }

  /** Of `names`, the one whose median `metric` is highest ("max") or lowest ("min"); undefined if none has samples. */
  best(scenario: Scenario, names: readonly string[], broker: BrokerKind, metric: string, direction: "max" | "min"): string | undefined {
    let best: string | undefined;
    let bestValue = Number.NaN;
    for (const name of names) {
      const value = this.of(scenario, name, broker, metric);
      if (Number.isNaN(value)) continue;
      if (best === undefined || (direction === "max" ? value > bestValue : value < bestValue)) {
        best = name;
        bestValue = value;
      }
    }
    return best;
  }

  /** How many rounds gave `name` a sample and how many failed. */
  counts(scenario: Scenario, name: string, broker: BrokerKind): { ok: number; failed: number } {
    const mine = this.records.filter((r) => r.scenario === scenario && r.name === name && r.broker === broker);
    const failed = mine.filter((r) => r.error !== undefined).length;
    return { ok: mine.length - failed, failed };
  }
}
