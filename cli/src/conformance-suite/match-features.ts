import type { ConformanceCase, FeatureName, FeatureSet } from "./conformance-case.js";
import { isNoFeature, NO_FEATURE } from "./feature-none.js";

/**
 * Why a case cannot run with the `available` features, or null when it can: each feature the case names needs one of
 * its values available (its direction counts as the feature `direction`). A feature `available` leaves out is any;
 * one that is `--features KEY=none` is the reason `KEY=none (--features)`.
 */
export function unmetFeatures(c: ConformanceCase, available: FeatureSet): string | null {
  const needs: Partial<Record<FeatureName, readonly string[]>> = { ...c.features, direction: [c.direction] };
  const reasons: string[] = [];
  for (const key of Object.keys(needs) as FeatureName[]) {
    const wanted = needs[key] ?? [];
    const have = available[key];
    if (have === undefined || wanted.some((v) => have.includes(v))) continue;
    if (isNoFeature(have)) {
      reasons.push(`${key}=${NO_FEATURE} (--features)`);
      continue;
    }
    reasons.push(`needs ${key} ${wanted.join(" or ")} (available: ${have.length === 0 ? "none" : have.join(", ")})`);
  }
  return reasons.length === 0 ? null : reasons.join("; ");
}
