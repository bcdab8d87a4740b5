import type { EventExpectation } from "./conformance-case.js";
import { compareValue, show } from "./compare-expected.js";

/**
 * How `observed` events fall short of `expected`: task events (`task-*`) must match in the listed order (others may
 * come between them), any other event anywhere; each expectation's `fields` is compared with an event as a subset.
 * A miss names the expectation and, when events of its type came, the differences from the closest one.
 */
export function checkEvents(expected: readonly EventExpectation[], observed: readonly Readonly<Record<string, unknown>>[]): string[] {
  const out: string[] = [];
  let cursor = 0;
  for (const [i, want] of expected.entries()) {
    const ordered = want.type.startsWith("task-");
    const from = ordered ? cursor : 0;
    let best: string[] | null = null;
    let found = -1;
    for (let j = from; j < observed.length; j++) {
      const event = observed[j] as Readonly<Record<string, unknown>>;
      if (event["type"] !== want.type) continue;
      const diffs = compareValue(want.fields, event, `events[${i}].fields`, "subset");
      if (diffs.length === 0) {
        found = j;
        break;
      }
      if (best === null || diffs.length < best.length) best = diffs;
    }
    if (found >= 0) {
      if (ordered) cursor = found + 1;
      continue;
    }
    if (best !== null) out.push(...best);
    else {
      const seen = observed.map((e) => String(e["type"]));
      out.push(`events[${i}]: expected a ${want.type} event${ordered && from > 0 ? ` after ${String(expected[i - 1]?.type)}` : ""}, got ${show(seen)}`);
    }
  }
  return out;
}
