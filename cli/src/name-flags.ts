import { CeleryProtoError } from "../../sdk/src/errors/celery-proto-error.js";

/**
 * Re-labels an `InvalidOption` error about an SDK option with the flag the CLI user typed: with `{ logLevel:
 * "--loglevel (-l)" }`, `logLevel: unknown log level "x"` becomes `--loglevel (-l): unknown log level "x"`. The SDK
 * names its options (`logLevel`, `concurrency`, `queues[0]`) at the start of the message; other errors, and options
 * not in `flags`, are returned unchanged.
 */
export function nameFlags(error: unknown, flags: Readonly<Record<string, string>>): unknown {
  if (!CeleryProtoError.is(error, "InvalidOption")) return error;
  const m = /^([A-Za-z]+)(?:\[\d+\])?: /.exec(error.message);
  const flag = m === null ? undefined : flags[m[1]!];
  if (m === null || flag === undefined) return error;
  const reason = error.message.slice(m[0].length);
  return new CeleryProtoError("InvalidOption", `${flag}: ${reason}`, { cause: error });
}

/**
 * Re-labels the `Timeout` of a result wait (`... not ready within 500 ms (timeoutMs)`, the SDK option) with the flag
 * that set it: `... not ready within 0.5 s (--timeout)`. Other errors are returned unchanged.
 */
export function nameTimeoutFlag(error: unknown, seconds: string, flag = "--timeout"): unknown {
  if (!CeleryProtoError.is(error, "Timeout")) return error;
  const message = error.message.replace(/ within [\d.]+ ms \(timeoutMs\)$/, ` within ${seconds} s (${flag})`);
  return message === error.message ? error : new CeleryProtoError("Timeout", message, { cause: error });
}
