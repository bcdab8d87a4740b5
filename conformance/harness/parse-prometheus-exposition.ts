// A strict parser of Prometheus' text exposition format 0.0.4, for checking what `/metrics` serves: every line must be
// a `# HELP`, a `# TYPE` or a sample of the family declared last; label sets are parsed completely (escapes included);
// a series appears once; a histogram's buckets are cumulative and end with `le="+Inf"` equal to its `_count`.

export type MetricType = "counter" | "gauge" | "histogram" | "summary" | "untyped";

export interface ExpositionSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface MetricFamily {
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
  readonly samples: ExpositionSample[];
}

const NAME = /^[A-Za-z_:][A-Za-z0-9_:]*$/;
const LABEL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SAMPLE = /^([A-Za-z_:][A-Za-z0-9_:]*)(\{.*\})? ([^ ]+)(?: (-?\d+))?$/;
const TYPES: ReadonlySet<string> = new Set(["counter", "gauge", "histogram", "summary", "untyped"]);
const SUFFIXES: Readonly<Record<MetricType, readonly string[]>> = {
  counter: [""],
  gauge: [""],
  untyped: [""],
  histogram: ["_bucket", "_sum", "_count"],
  summary: ["", "_sum", "_count"],
};

/** Parses an exposition into its families by name; throws naming the line on anything the format does not allow. */
export function parsePrometheusExposition(text: string): Map<string, MetricFamily> {
  if (!text.endsWith("\n")) throw new Error("the exposition must end with a line feed");
  const families = new Map<string, MetricFamily>();
  const seen = new Set<string>();
  let current: { name: string; help: string | null; type: MetricType | null; samples: ExpositionSample[] } | null = null;
  const family = (name: string) => {
    if (current?.name === name) return current;
    if (families.has(name)) throw new Error(`metric family ${name} appears twice`);
    current = { name, help: null, type: null, samples: [] };
    families.set(name, current as unknown as MetricFamily);
    return current;
  };
  text
    .slice(0, -1)
    .split("\n")
    .forEach((line, at) => {
      const where = `line ${at + 1} (${JSON.stringify(line)})`;
      if (line === "") return;
      const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
      if (meta !== null) {
        const [, kind, name, rest] = meta as unknown as [string, string, string, string];
        if (!NAME.test(name)) throw new Error(`${where}: bad metric name`);
        const f = family(name);
        if (f.samples.length > 0) throw new Error(`${where}: # ${kind} after samples`);
        if (kind === "HELP") {
          if (f.help !== null) throw new Error(`${where}: second HELP`);
          f.help = unescapeText(rest, false, where);
        } else {
          if (f.type !== null || !TYPES.has(rest)) throw new Error(`${where}: bad or second TYPE`);
          f.type = rest as MetricType;
        }
        return;
      }
      if (line.startsWith("#")) return;
      const m = SAMPLE.exec(line);
      if (m === null) throw new Error(`${where}: not a sample`);
      const [, name, rawLabels, rawValue] = m as unknown as [string, string, string | undefined, string];
      const f = current;
      if (f === null) throw new Error(`${where}: sample before any # TYPE`);
      const type = f.type ?? "untyped";
      if (!SUFFIXES[type].some((suffix) => `${f.name}${suffix}` === name)) throw new Error(`${where}: ${name} is not a sample of ${type} ${f.name}`);
      const labels = parseLabels(rawLabels ?? "", where);
      const value = parseValue(rawValue, where);
      const key = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
      if (seen.has(key)) throw new Error(`${where}: duplicate series`);
      seen.add(key);
      f.samples.push({ name, labels, value });
    });
  for (const f of families.values()) {
    if (f.type === "histogram") checkHistogram(f);
    if (f.type === "counter") for (const s of f.samples) if (!(s.value >= 0)) throw new Error(`counter ${s.name} is ${s.value}`);
  }
  return families;
}

/** The one sample of `family` whose labels include `labels` (throws when there is none or several). */
export function sampleValue(families: Map<string, MetricFamily>, name: string, labels: Readonly<Record<string, string>> = {}, sampleName = name): number {
  const found = (families.get(name)?.samples ?? []).filter((s) => s.name === sampleName && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (found.length !== 1) throw new Error(`${found.length} samples ${sampleName}${JSON.stringify(labels)}`);
  return (found[0] as ExpositionSample).value;
}

/** The sum of `family`'s samples named `sampleName` whose labels include `labels` (0 when none). */
export function sumValues(families: Map<string, MetricFamily>, name: string, labels: Readonly<Record<string, string>> = {}, sampleName = name): number {
  return (families.get(name)?.samples ?? [])
    .filter((s) => s.name === sampleName && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

function parseLabels(raw: string, where: string): Record<string, string> {
  const labels: Record<string, string> = {};
  if (raw === "") return labels;
  let rest = raw.slice(1, -1);
  while (rest !== "") {
    const m = /^([^=]+)="((?:[^"\\]|\\.)*)"(,|$)/.exec(rest);
    if (m === null) throw new Error(`${where}: bad label set`);
    const [all, name, value] = m as unknown as [string, string, string];
    if (!LABEL_NAME.test(name) || name in labels) throw new Error(`${where}: bad or repeated label ${name}`);
    labels[name] = unescapeText(value, true, where);
    rest = rest.slice(all.length);
  }
  return labels;
}

function unescapeText(raw: string, quoted: boolean, where: string): string {
  return raw.replace(/\\(.)/g, (_, c: string) => {
    if (c === "n") return "\n";
    if (c === "\\" || (quoted && c === '"')) return c;
    throw new Error(`${where}: bad escape \\${c}`);
  });
}

function parseValue(raw: string, where: string): number {
  if (raw === "+Inf") return Infinity;
  if (raw === "-Inf") return -Infinity;
  if (raw === "NaN") return Number.NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(raw)) throw new Error(`${where}: bad value`);
  return Number(raw);
}

function checkHistogram(f: MetricFamily): void {
  const series = new Map<string, ExpositionSample[]>();
  for (const s of f.samples) {
    const { le: _le, ...rest } = s.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    series.set(key, [...(series.get(key) ?? []), s]);
  }
  for (const [key, samples] of series) {
    const buckets = samples.filter((s) => s.name.endsWith("_bucket"));
    const count = samples.find((s) => s.name.endsWith("_count"));
    const sum = samples.find((s) => s.name.endsWith("_sum"));
    if (count === undefined || sum === undefined || buckets.length === 0) throw new Error(`histogram ${f.name}${key}: _bucket, _sum and _count are required`);
    let previous = -Infinity;
    let previousLe = -Infinity;
    for (const b of buckets) {
      const le = parseValue(b.labels.le ?? "", `histogram ${f.name}${key} le`);
      if (le <= previousLe || b.value < previous) throw new Error(`histogram ${f.name}${key}: buckets not ascending and cumulative`);
      previous = b.value;
      previousLe = le;
    }
    if (previousLe !== Infinity || previous !== count.value) throw new Error(`histogram ${f.name}${key}: the +Inf bucket must be last and equal _count`);
  }
}
