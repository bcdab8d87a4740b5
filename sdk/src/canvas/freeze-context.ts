import { randomUUID } from "node:crypto";

/** Internal: what freezing needs besides the signature. */
export interface FreezeContext {
  /** Written as `options.reply_to` by every freeze (Celery uses the app's thread oid; a client its backend's `replyTo`). */
  readonly replyTo: string | undefined;
  /** A new task/group id (uuid4, as Celery's `uuid()`). */
  readonly newId: () => string;
}

export function createFreezeContext(replyTo: string | undefined, newId: () => string = randomUUID): FreezeContext {
  return { replyTo, newId };
}
