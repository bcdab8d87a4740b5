/**
 * `--features KEY=none`: the run has no value of KEY at all (a deployment whose workers send no events:
 * `events=none`; no beat: `beat=none`). Every case needing KEY is skipped, its reason `KEY=none (--features)`.
 * Reserved: no case or features file may name it as a value.
 */
export const NO_FEATURE = "none";

/** Whether a run's values for a feature are `--features KEY=none`. */
export function isNoFeature(values: readonly string[] | undefined): boolean {
  return values !== undefined && values.length === 1 && values[0] === NO_FEATURE;
}
