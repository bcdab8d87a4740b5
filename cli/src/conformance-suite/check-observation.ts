import { checkEvents } from "./check-events.js";
import type { CaseExpectation, TaskExpectation } from "./conformance-case.js";
import { compareValue, show } from "./compare-expected.js";
import type { Observation, TaskObservation } from "./observation.js";

/** Every way `observed` differs from `expect`, as `<field path>: expected ..., got ...` (empty when the case passes). */
export function checkObservation(expect: CaseExpectation, observed: Observation): string[] {
  const out: string[] = [];
  if (expect.replies !== undefined) {
    const replies = observed.replies ?? [];
    const { min = 1, max, each } = expect.replies;
    if (replies.length < min) out.push(`replies: expected at least ${min} replies, got ${replies.length}`);
    if (max !== undefined && replies.length > max) out.push(`replies: expected at most ${max} replies, got ${replies.length}`);
    if (each !== undefined)
      for (const reply of replies)
        for (const [node, value] of Object.entries(reply)) out.push(...compareValue(each, value, `replies[${JSON.stringify(node)}]`, "subset"));
    return out;
  }
  if (observed.sends !== undefined) {
    // ts-beat-to-celery: every awaited send ends as expected; consecutive sends are `interval` apart.
    for (const [i, task] of observed.sends.entries()) out.push(...checkTask(expect, task, `sends[${i}].`));
    if (expect.interval !== undefined) {
      const { min, max } = expect.interval;
      for (const [i, s] of (observed.intervals ?? []).entries()) {
        if ((min !== undefined && s < min) || (max !== undefined && s > max))
          out.push(`interval[${i}]: expected ${min ?? 0}..${max ?? "∞"} s between sends ${i} and ${i + 1}, got ${s.toFixed(2)} s`);
      }
    }
    return out;
  }
  if (expect.events !== undefined) {
    // events: the events first; the task's own outcome only where the case expects one.
    out.push(...checkEvents(expect.events, observed.events ?? []));
    if (expect.result !== undefined || expect.error !== undefined || expect.state !== undefined) out.push(...checkTask(expect, observed.task, ""));
    return out;
  }
  out.push(...checkTask(expect, observed.task, ""));
  if (expect.link !== undefined) out.push(...checkTask(expect.link, observed.link, "link."));
  if (expect.linkError !== undefined) out.push(...checkTask(expect.linkError, observed.linkError, "link_error."));
  return out;
}

function checkTask(expect: TaskExpectation, task: TaskObservation | undefined, prefix: string): string[] {
  if (task === undefined) return [`${prefix}result: no outcome observed`];
  const out: string[] = [];
  const got = task.error !== undefined ? `error ${task.error.type}: ${show(task.error.message)}` : `state ${task.state ?? "unknown"}`;
  if (expect.state !== undefined && task.state !== expect.state) out.push(`${prefix}state: expected ${expect.state}, got ${task.state ?? "nothing"}`);
  if (expect.result !== undefined) {
    if (task.error !== undefined || !("result" in task)) out.push(`${prefix}result: expected ${show(expect.result.value)}, got ${got}`);
    else out.push(...compareValue(expect.result.value, task.result, `${prefix}result`, "exact"));
  }
  if (expect.request !== undefined) {
    if (task.error !== undefined || !("result" in task)) out.push(`${prefix}request: expected the task's request fields, got ${got}`);
    else out.push(...compareValue(expect.request, task.request ?? task.result, `${prefix}request`, "subset"));
  }
  if (expect.error !== undefined) {
    if (task.error === undefined) out.push(`${prefix}error: expected ${expect.error.type}, got ${"result" in task ? `result ${show(task.result)}` : got}`);
    else {
      if (task.error.type !== expect.error.type) out.push(`${prefix}error.type: expected ${show(expect.error.type)}, got ${show(task.error.type)}`);
      if (expect.error.message !== undefined && task.error.message !== expect.error.message)
        out.push(`${prefix}error.message: expected ${show(expect.error.message)}, got ${show(task.error.message)}`);
      if (expect.error.module !== undefined && task.error.module !== expect.error.module)
        out.push(`${prefix}error.module: expected ${show(expect.error.module)}, got ${show(task.error.module)}`);
      if (expect.error.traceback !== undefined) out.push(...compareValue(expect.error.traceback, task.error.traceback, `${prefix}error.traceback`, "exact"));
    }
  }
  if (expect.elapsed !== undefined) {
    const { min, max } = expect.elapsed;
    const s = task.elapsedSeconds;
    if ((min !== undefined && s < min) || (max !== undefined && s > max))
      out.push(`${prefix}elapsed: expected ${min ?? 0}..${max ?? "∞"} s, got ${s.toFixed(2)} s`);
  }
  return out;
}
