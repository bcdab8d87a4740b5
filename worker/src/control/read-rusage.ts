import { PyFloat } from "../../../sdk/src/codec/json/python-values.js";

/**
 * Python's `resource.getrusage(RUSAGE_SELF)` as Celery's `stats` reports it (C:celery/worker/worker.py `rusage`):
 * CPU times in float seconds, `maxrss` in kilobytes (Linux), the rest counters, from `process.resourceUsage()`.
 */
export function readRusage(usage: NodeJS.ResourceUsage = process.resourceUsage()): Record<string, unknown> {
  return {
    utime: new PyFloat(usage.userCPUTime / 1e6),
    stime: new PyFloat(usage.systemCPUTime / 1e6),
    maxrss: usage.maxRSS,
    ixrss: usage.sharedMemorySize,
    idrss: usage.unsharedDataSize,
    isrss: usage.unsharedStackSize,
    minflt: usage.minorPageFault,
    majflt: usage.majorPageFault,
    nswap: usage.swappedOut,
    inblock: usage.fsRead,
    oublock: usage.fsWrite,
    msgsnd: usage.ipcSent,
    msgrcv: usage.ipcReceived,
    nsignals: usage.signalsCount,
    nvcsw: usage.voluntaryContextSwitches,
    nivcsw: usage.involuntaryContextSwitches,
  };
}
