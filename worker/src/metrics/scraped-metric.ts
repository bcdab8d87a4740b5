import type { Metric } from "prom-client";

export type ScrapedMetricType = "counter" | "gauge" | "histogram";

/** One line of a metric: `metricName` for a histogram's `_bucket`/`_sum`/`_count` lines. */
export interface ScrapedSample {
  readonly value: number;
  readonly labels: Readonly<Record<string, string | number>>;
  readonly metricName?: string;
}

/**
 * A metric whose samples are read from the worker's own numbers when the registry is scraped. It has the shape a
 * prom-client `Registry` formats (`name`, `help`, `type`, `get()`), so the exposition, escaping and content type stay
 * prom-client's, while the per-task path touches plain fields only (prom-client's metrics hash the label set on every
 * `inc`/`observe`, even through a `labels()` child).
 */
export class ScrapedMetric {
  readonly aggregator = "sum";

  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: ScrapedMetricType,
    private readonly read: () => ScrapedSample[],
  ) {}

  async get(): Promise<{ name: string; help: string; type: ScrapedMetricType; values: ScrapedSample[]; aggregator: string }> {
    return { name: this.name, help: this.help, type: this.type, values: this.read(), aggregator: this.aggregator };
  }

  reset(): void {}

  /** As `registerMetric` takes it: prom-client types it as its own classes, but reads only what is above. */
  asPromMetric(): Metric {
    return this as unknown as Metric;
  }
}
