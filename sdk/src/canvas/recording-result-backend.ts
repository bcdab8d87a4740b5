import { randomUUID } from "node:crypto";
import { CeleryProtoError } from "../errors/celery-proto-error.js";
import type { ResultMeta, ResultTuple } from "../gen/json-schema/types.js";
import type { ResultBackend } from "../results/result-backend.js";

/** One backend write a canvas made, in order. */
export type BackendCall =
  | { readonly op: "set_chord_size"; readonly groupId: string; readonly size: number }
  | { readonly op: "save_group"; readonly groupId: string; readonly tuple: ResultTuple };

/**
 * For tests: a result backend that records the writes canvases make (`setChordSize`, saved chord headers) and
 * reads nothing (reads reject with `InvalidOption`).
 */
export class RecordingResultBackend implements ResultBackend {
  readonly kind = "disabled" as const;
  readonly calls: BackendCall[] = [];
  /** Called with every write, in order (lets a recording sender interleave them with its publishes). */
  onCall: ((call: BackendCall) => void) | null = null;

  constructor(readonly replyTo: string = randomUUID()) {}

  async onTaskCall(): Promise<void> {}

  async setChordSize(groupId: string, size: number): Promise<void> {
    this.record({ op: "set_chord_size", groupId, size });
  }

  async saveGroupTuple(groupId: string, tuple: ResultTuple): Promise<void> {
    this.record({ op: "save_group", groupId, tuple });
  }

  async saveGroup(groupId: string, taskIds: readonly string[]): Promise<void> {
    this.record({ op: "save_group", groupId, tuple: [[groupId, null], taskIds.map((id): ResultTuple => [[id, null], null])] });
  }

  getMeta(): Promise<ResultMeta> {
    return Promise.reject(noReads());
  }
  waitForReady(): Promise<ResultMeta> {
    return Promise.reject(noReads());
  }
  forget(): Promise<void> {
    return Promise.reject(noReads());
  }
  restoreGroup(): Promise<string[] | null> {
    return Promise.reject(noReads());
  }
  async close(): Promise<void> {}

  private record(call: BackendCall): void {
    this.calls.push(call);
    this.onCall?.(call);
  }
}

function noReads(): CeleryProtoError {
  return new CeleryProtoError("InvalidOption", "backend: the recording backend stores no results; use a real backend to read them");
}
