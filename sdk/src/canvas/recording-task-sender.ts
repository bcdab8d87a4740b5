import { randomUUID } from "node:crypto";
import type { SendTaskOptions } from "../client/send-task-options.js";
import type { TaskSender } from "../client/task-sender.js";
import { RecordingResultBackend, type BackendCall } from "./recording-result-backend.js";

/** One `sendTask` call: what would have been published. `id` is the id the message gets. */
export interface SentTask {
  readonly op: "send";
  readonly id: string;
  readonly name: string;
  readonly args: readonly unknown[];
  readonly kwargs: Readonly<Record<string, unknown>>;
  readonly options: SendTaskOptions;
}

/**
 * For tests (an in-memory `TaskSender`): records every `sendTask` and every backend write, in order, and publishes
 * nothing. `log` interleaves both, so the order of `setChordSize` against the header publishes can be checked.
 */
export class RecordingTaskSender implements TaskSender {
  readonly backend: RecordingResultBackend;
  readonly sent: SentTask[] = [];
  readonly log: Array<SentTask | BackendCall> = [];
  readonly broadcasts: Array<{ readonly method: string; readonly args: Readonly<Record<string, unknown>> }> = [];

  constructor(replyTo: string = randomUUID()) {
    this.backend = new RecordingResultBackend(replyTo);
    this.backend.onCall = (call) => this.log.push(call);
  }

  async sendTask(name: string, args: readonly unknown[], kwargs: Readonly<Record<string, unknown>>, options: SendTaskOptions): Promise<string> {
    const sent: SentTask = { op: "send", id: options.id ?? randomUUID(), name, args, kwargs, options };
    this.sent.push(sent);
    this.log.push(sent);
    return sent.id;
  }

  async broadcast(method: string, args: Readonly<Record<string, unknown>>): Promise<void> {
    this.broadcasts.push({ method, args });
  }
}
