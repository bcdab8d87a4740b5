import { readFile } from "node:fs/promises";
import { parse } from "yaml";
import { CeleryProtoError } from "../../../sdk/src/errors/celery-proto-error.js";
import type { FeatureName, FeatureSet } from "./conformance-case.js";
import { FEATURE_NAMES } from "./conformance-case.js";
import { caseFieldError, isPlainRecord } from "./case-field-error.js";
import { isNoFeature, NO_FEATURE } from "./feature-none.js";
import { validateFeatures } from "./validate-case.js";

/** Reads an implementation's features file: `features: {broker: [redis, amqp], serializer: [json, msgpack], ...}`. */
export async function loadFeatureFile(file: string): Promise<FeatureSet> {
  let doc: unknown;
  try {
    doc = parse(await readFile(file, "utf8"));
  } catch (e) {
    throw new CeleryProtoError("InvalidOption", `${file}: ${(e as Error).message}`);
  }
  if (!isPlainRecord(doc) || !isPlainRecord(doc["features"])) throw caseFieldError(file, "features", "the file must be a mapping with a mapping `features`");
  return validateFeatures(doc["features"], file, "features");
}

/**
 * `--features` values (`serializer=json,msgpack`, one feature per flag) as a feature set. Each narrows what the run
 * may use; a value the implementation does not declare is refused by `narrowFeatures`. `KEY=none` (alone) says the
 * run has none of KEY (feature-none.ts), and wins over another flag for the same KEY.
 */
export function parseFeatureFlags(values: readonly string[]): FeatureSet {
  const out: Partial<Record<FeatureName, readonly string[]>> = {};
  for (const text of values) {
    const eq = text.indexOf("=");
    const key = text.slice(0, eq).trim();
    const names = text
      .slice(eq + 1)
      .split(",")
      .map((s) => s.trim())
      .filter((s) => s !== "");
    if (eq <= 0 || names.length === 0)
      throw new CeleryProtoError("InvalidOption", `--features: expected FEATURE=VALUE[,VALUE...], got ${JSON.stringify(text)}`);
    if (!(FEATURE_NAMES as readonly string[]).includes(key))
      throw new CeleryProtoError("InvalidOption", `--features: unknown feature ${JSON.stringify(key)} (known: ${FEATURE_NAMES.join(", ")})`);
    if (names.includes(NO_FEATURE) && names.length > 1)
      throw new CeleryProtoError("InvalidOption", `--features: ${key}=${NO_FEATURE} means none of ${key}: give it alone, got ${JSON.stringify(text)}`);
    const previous = out[key as FeatureName];
    out[key as FeatureName] =
      previous === undefined ? names : isNoFeature(previous) || isNoFeature(names) ? [NO_FEATURE] : previous.filter((n) => names.includes(n));
  }
  return out;
}

/**
 * The features a run has: those declared, narrowed by each of `restrictions` (the `--features` flags, the broker and
 * result backend in use). `source` names where a restriction came from for the refusal of a value not declared.
 */
export function narrowFeatures(declared: FeatureSet, restrictions: FeatureSet, source: string): FeatureSet {
  const out: Partial<Record<FeatureName, readonly string[]>> = { ...declared };
  for (const key of Object.keys(restrictions) as FeatureName[]) {
    const wanted = restrictions[key] ?? [];
    const have = declared[key];
    if (have === undefined || isNoFeature(wanted)) {
      out[key] = wanted;
      continue;
    }
    const unknown = wanted.filter((v) => !have.includes(v));
    if (unknown.length > 0)
      throw new CeleryProtoError("InvalidOption", `${source}: ${key}=${unknown.join(",")} is not a declared feature (declared: ${have.join(", ")})`);
    out[key] = have.filter((v) => wanted.includes(v));
  }
  return out;
}
