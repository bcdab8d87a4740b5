/** The kinds of Celery wire messages celery-proto can decode and validate. */
export type MessageKind = "task" | "event" | "control" | "result";

export const MESSAGE_KINDS: readonly MessageKind[] = ["task", "event", "control", "result"];
