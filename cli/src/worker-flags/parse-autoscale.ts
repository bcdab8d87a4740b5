import { CeleryProtoError } from "../../../sdk/src/errors/celery-proto-error.js";
import type { AutoscaleOptions } from "../../../worker/src/worker-options.js";

/** `--autoscale MAX[,MIN]` as Celery reads it (`max_c, _, min_c = autoscale.partition(',')`; MIN defaults to 0). */
export function parseAutoscale(text: string): AutoscaleOptions {
  const [maxText = "", minText = "", ...rest] = text.split(",").map((part) => part.trim());
  const max = Number(maxText);
  const min = minText === "" ? 0 : Number(minText);
  if (rest.length > 0 || maxText === "" || !Number.isSafeInteger(max) || !Number.isSafeInteger(min) || max < 1 || min < 0 || min > max)
    throw new CeleryProtoError("InvalidOption", `--autoscale: must be MAX,MIN (integers, MAX >= 1, 0 <= MIN <= MAX), got ${JSON.stringify(text)}`);
  return { max, min };
}
