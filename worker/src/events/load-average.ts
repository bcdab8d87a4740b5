import os from "node:os";
import { PyFloat } from "../../../sdk/src/codec/json/python-values.js";

/**
 * Celery's `load_average()` (C:celery/utils/sysinfo.py): the 1, 5 and 15 minute load averages rounded *up* to two
 * decimals (`ceil(l * 1e2) / 1e2`), as floats Python reads as floats (`0.0`, not `0`).
 */
export function loadAverage(loads: readonly number[] = os.loadavg()): [PyFloat, PyFloat, PyFloat] {
  const round = (l: number | undefined): PyFloat => new PyFloat(Math.ceil((l ?? 0) * 1e2) / 1e2);
  return [round(loads[0]), round(loads[1]), round(loads[2])];
}
