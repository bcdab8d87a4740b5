import type { BrokerKind } from "../../conformance/harness/broker-urls.js";

/** The three kinds of measurement the table has a section for. */
export type Scenario = "drain" | "latency" | "producer";

/** One measurement of one contender in one round: named numbers (tasks/s, ms, MB) and optional raw detail. */
export interface Sample {
  readonly metrics: Readonly<Record<string, number>>;
  readonly detail?: unknown;
}

/** Something measured once per round: a worker draining a queue, a client's round trips, a producer's enqueues. */
export interface Contender {
  readonly scenario: Scenario;
  /** The row of the table, e.g. "python prefork -c2"; unique within its scenario and broker. */
  readonly name: string;
  readonly broker: BrokerKind;
  run(settings: RunSettings): Promise<Sample>;
}

/** What every contender of a run shares. */
export interface RunSettings {
  /** Tasks per drain and per producer run. */
  readonly count: number;
  /** Sequential round trips per latency sample. */
  readonly calls: number;
}
