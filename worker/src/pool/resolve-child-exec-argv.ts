/** Node options that must not reach pool processes: the test runner, debugger and watch mode belong to the parent. */
const DROPPED_PREFIXES = ["--test", "--experimental-test", "--inspect", "--debug", "--watch", "--cpu-prof", "--heap-prof", "--prof"];

/** Of the dropped options, those that take their value as the next argument when written without `=`. */
const TAKES_VALUE = new Set([
  "--test-reporter",
  "--test-reporter-destination",
  "--test-name-pattern",
  "--test-skip-pattern",
  "--test-concurrency",
  "--test-timeout",
  "--test-shard",
  "--watch-path",
  "--inspect-port",
  "--debug-port",
  "--cpu-prof-dir",
  "--cpu-prof-name",
  "--heap-prof-dir",
  "--heap-prof-name",
]);

/**
 * The `execArgv` pool processes start with: the parent's own (so a parent running under tsx — `--import tsx` or the
 * tsx CLI's `--require`/`--import` pair — gives its children the same loader and a `.ts` task module loads), minus
 * test-runner, inspector, watch and profiler options.
 */
export function resolveChildExecArgv(execArgv: readonly string[] = process.execArgv): string[] {
  const out: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i] ?? "";
    const flag = arg.split("=", 1)[0] ?? arg;
    if (DROPPED_PREFIXES.some((prefix) => flag.startsWith(prefix))) {
      if (!arg.includes("=") && TAKES_VALUE.has(flag)) i++;
      continue;
    }
    out.push(arg);
  }
  return out;
}
