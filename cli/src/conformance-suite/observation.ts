import type { NodeReply } from "../../../sdk/src/control/inspect.js";

/** How one task ended, as the runner saw it: its state, and its value or its exception (Python class name, `str(exc)`). */
export interface TaskObservation {
  readonly state: string | null;
  /** The value, as plain JSON data; absent when the task failed or did not finish. */
  readonly result?: unknown;
  /** The exception: class name, `str(exc)`, and where the backend stored them its module and traceback. */
  readonly error?: { readonly type: string; readonly message: string; readonly module?: string; readonly traceback?: string };
  /** Seconds from sending to the result. */
  readonly elapsedSeconds: number;
  /** The request our worker ran the task with (`peer.request`'s fields), when our worker recorded it: `expect.request` is checked against it. */
  readonly request?: unknown;
}

/** Everything a case's run observed. */
export interface Observation {
  readonly task?: TaskObservation;
  /** The first link callback's outcome. */
  readonly link?: TaskObservation;
  /** The first link_error errback's outcome (run as a task). */
  readonly linkError?: TaskObservation;
  /** A control command's replies, `{node: reply}` each. */
  readonly replies?: readonly NodeReply[];
  /** ts-beat-to-celery: each awaited send's outcome, in send order, and the seconds between consecutive sends. */
  readonly sends?: readonly TaskObservation[];
  readonly intervals?: readonly number[];
  /** events: the events received for the case's task (in arrival order) and the peer node's worker events. */
  readonly events?: readonly Readonly<Record<string, unknown>>[];
  /** events: the peer node the events came from (`--peer-node`, else the node of the task's first event). */
  readonly peerNode?: string;
}
