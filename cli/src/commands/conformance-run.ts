import { Command, Flags } from "@oclif/core";
import { CeleryProtoError } from "../../../sdk/src/errors/celery-proto-error.js";
import { BROKER_FLAGS } from "../remote/connect-broker.js";

export default class ConformanceRun extends Command {
  static override summary = "Run the conformance suite against a Celery peer worker and producer (both directions, and remote control).";
  static override description =
    "Each case (conformance/cases/*.yaml) sends tasks from our client to the Celery peer worker (ts-to-celery), from the peer's producer to a TypeScript worker this command starts (celery-to-ts), or control commands to the peer worker (control), and compares what comes back with what the case expects. A case needing a feature the run lacks is skipped with the reason; a case of the known-failing list that fails is reported as known failing, one that passes fails the run (the list is stale). With --catalog, a task catalog's tasks are checked too (cases catalog/<task>/<vector>): called with argument vectors generated from their schemas on the workers the user runs, their results checked against their result schemas. Exits 1 when a case failed or a known-failing entry is stale.";
  static override examples = [
    "<%= config.bin %> conformance run --broker redis://localhost:6379/0 --backend redis://localhost:6379/1",
    "<%= config.bin %> conformance run -b amqp://guest@localhost// --backend rpc:// --cases 'ts-to-celery/*' --junit conformance.xml",
    "<%= config.bin %> conformance run --features serializer=json --format tap",
    "<%= config.bin %> conformance run --features events=none --features beat=none",
    "<%= config.bin %> conformance run --catalog catalog.json --cases 'catalog/**'",
  ];
  static override flags = {
    ...BROKER_FLAGS,
    backend: Flags.string({ description: "result backend URL (default: $CELERY_RESULT_BACKEND, else the configuration's result_backend)" }),
    "peer-queue": Flags.string({ description: "the queue the Celery peer worker consumes", default: "celery-proto-peer" }),
    "peer-node": Flags.string({ description: "the peer worker's node name: control cases address it alone (default: every worker replies)" }),
    "ts-queue": Flags.string({ description: "the queue of the TypeScript worker this command starts for celery-to-ts cases", default: "celery-proto-ts" }),
    producer: Flags.string({ description: "URL of the Celery peer's producer server", default: "http://127.0.0.1:8787" }),
    cases: Flags.string({ description: "run only the cases whose names match this glob (* within a segment, ** across); repeatable", multiple: true }),
    features: Flags.string({
      description:
        "narrow the declared features: FEATURE=VALUE[,VALUE] (e.g. serializer=json), or FEATURE=none when your deployment has none of it (events=none, beat=none: the cases needing it are skipped); repeatable",
      multiple: true,
    }),
    "case-dir": Flags.string({ description: "directory of case files (default: the cases shipped with celery-proto)", helpValue: "DIR" }),
    "features-file": Flags.string({ description: "the implementation's features (default: the shipped conformance/features.yaml)", helpValue: "FILE" }),
    "known-failing": Flags.string({
      description: "YAML list of case names or globs expected to fail (default: the shipped list, with the shipped cases)",
      helpValue: "FILE",
    }),
    catalog: Flags.string({
      description:
        "also check the tasks of this task catalog (e.g. from `proto import-python`): each task is called with argument vectors generated from its schemas (by our client, and by the peer's producer when it answers) and its result checked against its result schema, as cases catalog/<task>/<vector>; the user's workers run the tasks",
      helpValue: "FILE",
    }),
    "catalog-queue": Flags.string({ description: "the queue of --catalog tasks whose catalog entry names none (default: the configuration's routes)" }),
    junit: Flags.string({ description: "also write the results as JUnit XML to FILE", helpValue: "FILE" }),
    "results-file": Flags.string({
      description: "also record this run's counts as a row of the results table in a Markdown FILE (other rows kept)",
      helpValue: "FILE",
    }),
    "results-label": Flags.string({ description: "the row's label in --results-file (default: the peer's Celery version and the broker)" }),
    format: Flags.string({ description: "report on stdout", options: ["table", "tap", "json"], default: "table" }),
    timeout: Flags.string({ description: "seconds each case may take (a case's own `timeout` wins)", default: "20" }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(ConformanceRun);
    const { runConformance } = await import("../conformance-suite/run-conformance.js");
    let ok: boolean;
    try {
      const seconds = Number(flags.timeout);
      if (!Number.isFinite(seconds) || seconds <= 0)
        throw new CeleryProtoError("InvalidOption", `--timeout: must be a positive number of seconds, got ${JSON.stringify(flags.timeout)}`);
      ({ ok } = await runConformance({
        flags,
        backend: flags.backend,
        producerUrl: flags.producer,
        peerQueue: flags["peer-queue"],
        tsQueue: flags["ts-queue"],
        peerNode: flags["peer-node"] ?? null,
        select: flags.cases ?? [],
        features: flags.features ?? [],
        caseDir: flags["case-dir"],
        knownFailingFile: flags["known-failing"],
        featuresFile: flags["features-file"],
        catalogFile: flags.catalog,
        catalogQueue: flags["catalog-queue"],
        junitFile: flags.junit,
        resultsFile: flags["results-file"],
        resultsLabel: flags["results-label"],
        format: flags.format as "table" | "tap" | "json",
        timeoutMs: seconds * 1000,
        out: (text) => process.stdout.write(text),
        progress: (text) => process.stderr.write(text),
      }));
    } catch (e) {
      process.stderr.write(`${CeleryProtoError.from(e).describe()}\n`);
      return this.exit(2);
    }
    if (!ok) this.exit(1);
  }
}
