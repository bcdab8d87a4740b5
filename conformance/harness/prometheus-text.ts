import { parsePrometheusExposition } from "./parse-prometheus-exposition.js";

/** One sample of a Prometheus text exposition: `name{labels} value`. */
export interface PrometheusSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/**
 * Every sample of a text exposition (version 0.0.4, as Flower's and celery-exporter's `/metrics` serve it), parsed
 * strictly by {@link parsePrometheusExposition}, in the order served.
 */
export function parsePrometheusText(text: string): PrometheusSample[] {
  return [...parsePrometheusExposition(text).values()].flatMap((family) => family.samples);
}

/** GETs a `/metrics` URL (which must answer 200) and parses its samples. */
export async function scrapePrometheus(url: string): Promise<PrometheusSample[]> {
  const response = await fetch(url);
  if (response.status !== 200) throw new Error(`${url}: HTTP ${response.status}`);
  return parsePrometheusText(await response.text());
}
