import { loadCatalogCases } from "./catalog-cases.js";
import type { FeatureSet } from "./conformance-case.js";
import { loadFeatureFile } from "./implementation-features.js";
import { loadCaseDir } from "./load-cases.js";
import { SHIPPED_CASES, shippedSuitePaths } from "./package-paths.js";
import { selectCases } from "./run-suite.js";

export interface ListSettings {
  readonly caseDir: string | undefined;
  readonly featuresFile: string | undefined;
  readonly select: readonly string[];
  readonly json: boolean;
  /** `--catalog`: also the cases `proto conformance run --catalog` makes of this task catalog; `--catalog-queue`. */
  readonly catalogFile?: string | undefined;
  readonly catalogQueue?: string | undefined;
}

/**
 * `proto conformance list`: the cases (name, direction, features) and the declared features, as text or JSON. With a
 * catalog, its cases come after the others, every one `run` may make (those sent by the peer's producer included,
 * which `run` leaves out when the producer does not answer); no broker is needed.
 */
export async function listConformance(settings: ListSettings): Promise<string> {
  const shipped = shippedSuitePaths();
  const loaded = await loadCaseDir(settings.caseDir ?? shipped.caseDir, settings.caseDir === undefined ? SHIPPED_CASES : "--case-dir");
  const catalog = settings.catalogFile === undefined ? [] : (await loadCatalogCases(settings.catalogFile, settings.catalogQueue)).cases;
  const cases = selectCases([...loaded, ...catalog], settings.select);
  const declared = await loadFeatureFile(settings.featuresFile ?? shipped.features);
  if (settings.json)
    return `${JSON.stringify({ features: declared, cases: cases.map((c) => ({ name: c.name, direction: c.direction, features: c.features, file: c.file })) }, null, 2)}\n`;
  const width = Math.max(4, ...cases.map((c) => c.name.length));
  const dirWidth = Math.max(9, ...cases.map((c) => c.direction.length));
  const lines = [`${"CASE".padEnd(width)}  ${"DIRECTION".padEnd(dirWidth)}  FEATURES`];
  for (const c of cases) lines.push(`${c.name.padEnd(width)}  ${c.direction.padEnd(dirWidth)}  ${formatFeatures(c.features) || "-"}`.trimEnd());
  lines.push("", `${cases.length} cases.`, "", "Declared features:");
  for (const [key, values] of Object.entries(declared)) lines.push(`  ${key}: ${(values as readonly string[]).join(", ")}`);
  return `${lines.join("\n")}\n`;
}

function formatFeatures(features: FeatureSet): string {
  return Object.entries(features)
    .map(([k, v]) => `${k}=${(v as readonly string[]).join("|")}`)
    .join(" ");
}
