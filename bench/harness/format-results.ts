import { BROKERS, type BrokerKind } from "../../conformance/harness/broker-urls.js";
import { checkTargets, pythonBestDrain, pythonBestRoundTrip, verdict } from "./bench-targets.js";
import type { Contender, Scenario } from "./contender.js";
import type { SampleMedians } from "./sample-medians.js";

const BROKER_LABEL: Record<BrokerKind, string> = { redis: "Redis", amqp: "RabbitMQ" };

/** The medians of the run as Markdown tables (ready to paste into bench/README.md's history), then the targets. */
export function formatResults(contenders: readonly Contender[], m: SampleMedians, heading: string): string {
  const out: string[] = [heading, ""];
  const names = (scenario: Scenario): string[] => [...new Set(contenders.filter((c) => c.scenario === scenario).map((c) => c.name))];
  const cell = (scenario: Scenario, name: string, broker: BrokerKind, metric: string, digits: number): string => {
    const { ok, failed } = m.counts(scenario, name, broker);
    if (ok + failed === 0) return "—";
    const value = m.of(scenario, name, broker, metric);
    const text = Number.isNaN(value) ? "failed" : value.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
    return failed > 0 && ok > 0 ? `${text} (${failed} failed)` : text;
  };
  const table = (header: readonly string[], rows: readonly (readonly string[])[]): void => {
    out.push(`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`), "");
  };

  if (names("drain").length > 0) {
    out.push("Drain of pre-enqueued no-op tasks: tasks/s and peak RSS (MB, worker process tree), medians");
    const rows = names("drain").map((n) => [
      n,
      ...BROKERS.map((b) => cell("drain", n, b, "rate", 0)),
      ...BROKERS.map((b) => cell("drain", n, b, "peakRssMb", 0)),
    ]);
    const best = BROKERS.map((b) => pythonBestDrain(m, b));
    if (best.some((n) => n !== undefined))
      rows.push([
        `Python best (${best.map((n, i) => `${BROKER_LABEL[BROKERS[i] as BrokerKind]}: ${n ?? "—"}`).join(", ")})`,
        ...BROKERS.map((b, i) => (best[i] === undefined ? "—" : cell("drain", best[i] as string, b, "rate", 0))),
        ...BROKERS.map((b, i) => (best[i] === undefined ? "—" : cell("drain", best[i] as string, b, "peakRssMb", 0))),
      ]);
    table(["contender", ...BROKERS.map((b) => `${BROKER_LABEL[b]} tasks/s`), ...BROKERS.map((b) => `${BROKER_LABEL[b]} RSS MB`)], rows);
  }
  if (names("latency").length > 0) {
    out.push("Round trip add(1, 1) with the Redis result backend, sequential calls: p50 / p99 in ms, medians over rounds");
    const rows = names("latency").map((n) => [n, ...BROKERS.flatMap((b) => [cell("latency", n, b, "p50Ms", 2), cell("latency", n, b, "p99Ms", 2)])]);
    const best = BROKERS.map((b) => pythonBestRoundTrip(m, b));
    if (best.some((n) => n !== undefined))
      rows.push([
        `Python best (${best.map((n, i) => `${BROKER_LABEL[BROKERS[i] as BrokerKind]}: ${n ?? "—"}`).join(", ")})`,
        ...BROKERS.flatMap((b, i) =>
          best[i] === undefined ? ["—", "—"] : [cell("latency", best[i] as string, b, "p50Ms", 2), cell("latency", best[i] as string, b, "p99Ms", 2)],
        ),
      ]);
    table(["contender", ...BROKERS.flatMap((b) => [`${BROKER_LABEL[b]} p50`, `${BROKER_LABEL[b]} p99`])], rows);
  }
  if (names("producer").length > 0) {
    out.push("Producer: enqueues/s into an empty queue, medians (ours waits for publisher confirms on RabbitMQ unless noted)");
    table(
      ["producer", ...BROKERS.map((b) => `${BROKER_LABEL[b]} tasks/s`)],
      names("producer").map((n) => [n, ...BROKERS.map((b) => cell("producer", n, b, "rate", 0))]),
    );
  }
  const checks = checkTargets(m).filter((c) => verdict(c) !== "n/a");
  if (checks.length > 0) {
    out.push("Targets (issue 15), each against the peer measured in the same run");
    table(
      ["target", "measured", "bound", ""],
      checks.map((c) => [c.label, `${c.value.toFixed(2)} ${c.unit}`, `${c.op} ${c.bound} ${c.unit}`, verdict(c)]),
    );
  }
  return out.join("\n");
}
