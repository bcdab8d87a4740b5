import { formatPythonFloat } from "../../../sdk/src/codec/json/python-json-stringify.js";

/**
 * Celery's worker log texts (C:celery/app/trace.py `LOG_*`, C:celery/worker/request.py, strategy.py,
 * consumer/consumer.py), so people (and log scrapers) reading a TypeScript worker see what a Python one prints.
 */
export const TASK_LOG = {
  received: (name: string, id: string): string => `Task ${name}[${id}] received`,
  succeeded: (name: string, id: string, runtimeSeconds: number, resultRepr: string): string =>
    `Task ${name}[${id}] succeeded in ${formatPythonFloat(runtimeSeconds)}s: ${resultRepr}`,
  /** `raised unexpected` (ERROR) or `raised expected` (INFO, for errors the task declares in `throws`). */
  failed: (name: string, id: string, excRepr: string, description = "raised unexpected"): string => `Task ${name}[${id}] ${description}: ${excRepr}`,
  internalError: (name: string, id: string, excRepr: string): string => `Task ${name}[${id}] INTERNAL ERROR: ${excRepr}`,
  retry: (name: string, id: string, reason: string): string => `Task ${name}[${id}] retry: ${reason}`,
  /** C:celery/worker/request.py `on_failure`'s last line (a lost pool process, after its message was settled). */
  handlerError: (excRepr: string): string => `Task handler raised error: ${excRepr}`,
  /** C:billiard/pool.py `_join_exited_workers`: a pool process exited without being asked to (killed, crashed). */
  processExited: (name: string, pid: number, status: string): string => `Process '${name}' pid:${pid} exited with '${status}'`,
  ignored: (name: string, id: string): string => `Task ${name}[${id}] ignored`,
  /** `LOG_IGNORED` with the description `worker_deduplicate_successful_tasks` gives it. */
  alreadySucceeded: (name: string, id: string): string => `Task ${name}[${id}] Task already completed successfully.`,
  deduplicatedDispatchFailed: (id: string): string => `Failed to dispatch chain/callbacks for deduplicated task ${id}`,
  rejected: (name: string, id: string, excRepr: string): string => `Task ${name}[${id}] ${excRepr}`,
  discardingRevoked: (name: string, id: string): string => `Discarding revoked task: ${name}[${id}]`,
  softTimeLimit: (seconds: number, name: string, id: string): string => `Soft time limit (${formatSeconds(seconds)}s) exceeded for ${name}[${id}]`,
  hardTimeLimit: (seconds: number, name: string, id: string): string => `Hard time limit (${formatSeconds(seconds)}s) exceeded for ${name}[${id}]`,
  unknownMessage: (report: string): string =>
    `Received and deleted unknown message.  Wrong destination?!?\n\nThe full contents of the message body was: ${report}`,
  unknownTask: (name: string, report: string): string =>
    `Received unregistered task of type ${pyStr(name)}.\nThe message has been ignored and discarded.\n\n` +
    "Did you remember to import the module containing this task?\nOr maybe you're using relative imports?\n\n" +
    "Please see\nhttps://docs.celeryq.dev/en/latest/internals/protocol.html\nfor more information.\n\n" +
    `The full contents of the message body was:\n${report}`,
  invalidTask: (reason: string, report: string): string =>
    `Received invalid task message: ${reason}\nThe message has been ignored and discarded.\n\n` +
    "Please ensure your message conforms to the task\nmessage protocol as described here:\n" +
    `https://docs.celeryq.dev/en/latest/internals/protocol.html\n\nThe full contents of the message body was:\n${report}`,
  decodeError: (reason: string, contentType: string, contentEncoding: string, headers: string, body: string): string =>
    `Can't decode message body: ${reason} [type:${contentType} encoding:${contentEncoding} headers:${headers}]\n\nbody: ${body}`,
  ready: (hostname: string): string => `${hostname} ready.`,
} as const;

/** Seconds as Python prints an int or a float in `%s`. */
function formatSeconds(seconds: number): string {
  return Number.isInteger(seconds) ? String(seconds) : formatPythonFloat(seconds);
}

function pyStr(text: string): string {
  return `'${text.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}
