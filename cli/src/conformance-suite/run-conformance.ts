import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { loadBrokerFlagsConfig, DEFAULT_BROKER, type BrokerFlagValues } from "../remote/connect-broker.js";
import { summarize, type CaseOutcome, type SuiteReport } from "./case-outcome.js";
import { loadCatalogCases } from "./catalog-cases.js";
import type { FeatureSet } from "./conformance-case.js";
import { isNoFeature } from "./feature-none.js";
import { openSession } from "./conformance-session.js";
import type { PeerProducer } from "./peer-producer.js";
import { loadFeatureFile } from "./implementation-features.js";
import { knownFailing, loadKnownFailing } from "./known-failing.js";
import { loadCaseDir } from "./load-cases.js";
import { SHIPPED_CASES, shippedSuitePaths } from "./package-paths.js";
import { formatJson } from "./report-json.js";
import { formatJunit } from "./report-junit.js";
import { formatSummary } from "./report-summary.js";
import { formatTap } from "./report-tap.js";
import { recordResultsRow, type PeerVersions } from "./record-results-table.js";
import { runCase } from "./run-case.js";
import { runFeatures } from "./run-features.js";
import { runQueueType } from "./run-queue-type.js";
import { runSuite } from "./run-suite.js";

export type ReportFormat = "table" | "tap" | "json";

/** `proto conformance run`'s settings, from its flags. */
export interface ConformanceRunSettings {
  readonly flags: BrokerFlagValues;
  /** `--backend`; undefined: `CELERY_RESULT_BACKEND`, else the configuration's `result_backend`. */
  readonly backend: string | undefined;
  readonly producerUrl: string;
  readonly peerQueue: string;
  readonly tsQueue: string;
  readonly peerNode: string | null;
  readonly select: readonly string[];
  readonly features: readonly string[];
  /** Default: the cases shipped with the package. */
  readonly caseDir: string | undefined;
  /** Default: the shipped known-failing list when the shipped cases run, else none. */
  readonly knownFailingFile: string | undefined;
  readonly featuresFile: string | undefined;
  /** `--catalog`: a task catalog whose tasks are checked too (`catalog/<task>/<vector>` cases); `--catalog-queue`. */
  readonly catalogFile?: string | undefined;
  readonly catalogQueue?: string | undefined;
  readonly junitFile: string | undefined;
  /** `--results-file`: a Markdown file whose results table gets this run's row, `resultsLabel`. */
  readonly resultsFile?: string | undefined;
  readonly resultsLabel?: string | undefined;
  readonly format: ReportFormat;
  readonly timeoutMs: number;
  /** Standard output (the report) and progress/diagnostics (stderr). */
  readonly out: (text: string) => void;
  readonly progress: (text: string) => void;
}

/** Loads the suite, runs it against the peer and our worker, writes the report(s); resolves with the report and whether the run passed. */
export async function runConformance(settings: ConformanceRunSettings): Promise<{ readonly report: SuiteReport; readonly ok: boolean }> {
  const shipped = shippedSuitePaths();
  const cases = await loadCaseDir(settings.caseDir ?? shipped.caseDir, settings.caseDir === undefined ? SHIPPED_CASES : "--case-dir");
  const declared = await loadFeatureFile(settings.featuresFile ?? shipped.features);
  const knownFile = settings.knownFailingFile ?? (settings.caseDir === undefined && existsSync(shipped.knownFailing) ? shipped.knownFailing : undefined);
  const known = knownFile === undefined ? knownFailing([]) : await loadKnownFailing(knownFile);
  const config = await loadBrokerFlagsConfig(settings.flags, { result_backend: settings.backend });
  const catalog = settings.catalogFile === undefined ? null : await loadCatalogCases(settings.catalogFile, settings.catalogQueue, config);
  const brokerUrl = config.settings.broker_url ?? DEFAULT_BROKER;
  const features = withQueueType(
    runFeatures(declared, settings.features, brokerUrl, config.settings.result_backend ?? null),
    runQueueType(config.settings, settings.peerQueue, brokerUrl),
  );
  const session = await openSession({
    flags: settings.flags,
    config,
    producerUrl: settings.producerUrl,
    peerQueue: settings.peerQueue,
    tsQueue: settings.tsQueue,
    peerNode: settings.peerNode,
    workerLog: (line) => settings.progress(line),
  });
  let report: SuiteReport;
  let peer: PeerVersions = { celery: null, kombu: null };
  try {
    peer = await describePeer(session.env.peer, settings.progress);
    const all = catalog === null ? cases : [...cases, ...(await catalog.casesFor(session.env, settings.progress))];
    report = await runSuite(all, {
      features,
      knownFailing: known,
      select: settings.select,
      timeoutMs: settings.timeoutMs,
      run: (c, timeoutMs) => (catalog?.owns(c) === true ? catalog.run(session.env, c, timeoutMs) : runCase(session.env, c, timeoutMs)),
      onOutcome: (o: CaseOutcome) => settings.progress(`${o.status.padEnd(13)} ${o.case.name}\n`),
    });
  } finally {
    await session.close();
  }
  if (settings.junitFile !== undefined) await writeFile(settings.junitFile, formatJunit(report));
  if (settings.resultsFile !== undefined) {
    const label = settings.resultsLabel ?? `celery ${peer.celery ?? "?"} · ${brokerUrl.split(":")[0]}`;
    await recordResultsRow(settings.resultsFile, label, peer, report);
  }
  settings.out(settings.format === "tap" ? formatTap(report) : settings.format === "json" ? formatJson(report) : formatSummary(report));
  return { report, ok: summarize(report).ok };
}

/** The run's features narrowed to the queue type its configuration declares the peer's queue with. */
function withQueueType(features: FeatureSet, queueType: string): FeatureSet {
  if (isNoFeature(features.queue_type)) return features;
  return { ...features, queue_type: (features.queue_type ?? [queueType]).filter((t) => t === queueType) };
}

/** One progress line naming the peer's Celery and kombu (GET /health), or why the producer did not answer; resolves with them. */
async function describePeer(peer: PeerProducer, progress: (text: string) => void): Promise<PeerVersions> {
  try {
    const health = await peer.health();
    progress(`peer producer ${peer.url}: celery ${health.celery ?? "?"}, kombu ${health.kombu ?? "?"}\n`);
    return { celery: health.celery ?? null, kombu: health.kombu ?? null };
  } catch (e) {
    progress(`peer producer ${peer.url} did not answer (celery-to-ts cases will fail): ${(e as Error).message}\n`);
    return { celery: null, kombu: null };
  }
}
