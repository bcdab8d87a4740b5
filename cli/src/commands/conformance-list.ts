import { Command, Flags } from "@oclif/core";
import { CeleryProtoError } from "../../../sdk/src/errors/celery-proto-error.js";

export default class ConformanceList extends Command {
  static override summary = "List the conformance cases (name, direction, features) and the features celery-proto declares.";
  static override examples = [
    "<%= config.bin %> conformance list",
    "<%= config.bin %> conformance list --cases 'control/*' --json",
    "<%= config.bin %> conformance list --catalog catalog.json --cases 'catalog/**'",
  ];
  static override flags = {
    cases: Flags.string({ description: "only the cases whose names match this glob; repeatable", multiple: true }),
    "case-dir": Flags.string({ description: "directory of case files (default: the cases shipped with celery-proto)", helpValue: "DIR" }),
    "features-file": Flags.string({ description: "the implementation's features (default: the shipped conformance/features.yaml)", helpValue: "FILE" }),
    catalog: Flags.string({
      description:
        "also list the cases `conformance run --catalog` makes of this task catalog: catalog/<task>/<vector>, and .../celery-producer sent by the peer's producer",
      helpValue: "FILE",
    }),
    "catalog-queue": Flags.string({ description: "the queue of --catalog tasks whose catalog entry names none, as for `conformance run`" }),
    json: Flags.boolean({ description: "print {features, cases: [{name, direction, features, file}]} as JSON", default: false }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(ConformanceList);
    const { listConformance } = await import("../conformance-suite/list-conformance.js");
    try {
      process.stdout.write(
        await listConformance({
          caseDir: flags["case-dir"],
          featuresFile: flags["features-file"],
          select: flags.cases ?? [],
          json: flags.json,
          catalogFile: flags.catalog,
          catalogQueue: flags["catalog-queue"],
        }),
      );
    } catch (e) {
      process.stderr.write(`${CeleryProtoError.from(e).describe()}\n`);
      return this.exit(2);
    }
  }
}
