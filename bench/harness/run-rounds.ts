import type { BrokerKind } from "../../conformance/harness/broker-urls.js";
import type { Contender, RunSettings, Scenario } from "./contender.js";

/** One sample as the JSON output keeps it; `error` instead of metrics when the contender failed that round. */
export interface SampleRecord {
  readonly round: number;
  readonly scenario: Scenario;
  readonly name: string;
  readonly broker: BrokerKind;
  readonly metrics: Readonly<Record<string, number>>;
  readonly detail?: unknown;
  readonly error?: string;
  /** The whole sample as the harness waited for it: filling the queue, starting and stopping processes included. */
  readonly wallSeconds: number;
}

/**
 * Runs every contender once per round, round after round, so that a machine that slows down or speeds up during the
 * run weighs on every contender alike. Each round starts one contender further down the list, so that no contender
 * always follows the same one. A failed sample is recorded and the run goes on.
 */
export async function runRounds(
  contenders: readonly Contender[],
  rounds: number,
  settings: RunSettings,
  onSample: (record: SampleRecord) => void,
): Promise<SampleRecord[]> {
  const records: SampleRecord[] = [];
  for (let round = 1; round <= rounds; round++) {
    const shift = (round - 1) % contenders.length;
    for (const contender of [...contenders.slice(shift), ...contenders.slice(0, shift)]) {
      const base = { round, scenario: contender.scenario, name: contender.name, broker: contender.broker };
      const start = performance.now();
      let record: SampleRecord;
      try {
        const sample = await contender.run(settings);
        const wallSeconds = (performance.now() - start) / 1000;
        record = { ...base, metrics: sample.metrics, ...(sample.detail === undefined ? {} : { detail: sample.detail }), wallSeconds };
      } catch (e) {
        record = { ...base, metrics: {}, error: e instanceof Error ? e.message : String(e), wallSeconds: (performance.now() - start) / 1000 };
      }
      records.push(record);
      onSample(record);
    }
  }
  return records;
}
