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
}

/** `proto conformance list`: the cases (name, direction, features) and the declared features, as text or JSON. */
export async function listConformance(settings: ListSettings): Promise<string> {
  const shipped = shippedSuitePaths();
  const cases = selectCases(
    await loadCaseDir(settings.caseDir ?? shipped.caseDir, settings.caseDir === undefined ? SHIPPED_CASES : "--case-dir"),
    settings.select,
  );
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
