// Tasks for the live worker fuzzer (conformance/fuzz/live-fuzz-worker.ts): every task name the golden seeds call,
// each returning exactly the args and kwargs it ran with, so the test compares them with the codec's decode.
// Loaded with `proto worker -A conformance/fuzz/fuzz-tasks.ts`.
import type { TaskRegistry } from "../../worker/src/app/task-registry.js";

export const FUZZ_TASK_NAMES: readonly string[] = [
  "conformance.add",
  "conformance.echo",
  "conformance.mul",
  "conformance.xsum",
  "conformance.retry_once",
  "conformance.record_errback",
];

export function register(registry: TaskRegistry): void {
  for (const name of FUZZ_TASK_NAMES) registry.register(name, (args, kwargs) => ({ args: [...args], kwargs }));
}
