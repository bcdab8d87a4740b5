import type { TaskSender } from "../../../sdk/src/client/task-sender.js";
import type { ResultMeta } from "../../../sdk/src/gen/json-schema/types.js";
import type { RedisResultBackend, StoredResultMeta } from "../../../sdk/src/results/redis-result-backend.js";
import { buildResultMeta } from "./build-result-meta.js";
import type { ResultContext } from "./result-context.js";
import type { ResultStore, ResultWrite } from "./result-store.js";
import { returnRedisChordPart } from "./return-redis-chord-part.js";

/** Options of `createRedisResultStore`. Every default is Celery 5.7's. */
export interface RedisResultStoreOptions {
  /**
   * The result backend states are written through: the same one the worker's producer reads with (one connection).
   * Expiries, key prefix and chord settings are its options. The store does not close it.
   */
  readonly backend: RedisResultBackend;
  /** `result_extended`: add `name, args, kwargs, worker, retries, queue` (and stamps) to every meta. Default false. */
  readonly resultExtended?: boolean;
  /** `app.now()`: the clock of `date_done`. Default: the current time. */
  readonly now?: () => Date;
  /** Called with what Celery logs as warnings (a lost chord dispatch claim). Default: ignored. */
  readonly onWarning?: (message: string) => void;
}

/**
 * Celery 5.7's Redis result backend as the worker's recorder writes it: each state is the meta document
 * (`buildResultMeta`) stored by `RedisResultBackend.storeResult` (SETEX + PUBLISH, SUCCESS never overwritten), and
 * chord parts are counted by the backend's `chords` and completed by `returnRedisChordPart`.
 */
export class RedisResultStore implements ResultStore {
  readonly kind = "redis" as const;
  readonly persistent = true;
  readonly backend: RedisResultBackend;
  private readonly meta: { readonly resultExtended: boolean; readonly now: () => Date };
  private readonly onWarning: (message: string) => void;

  constructor(options: RedisResultStoreOptions) {
    this.backend = options.backend;
    this.meta = { resultExtended: options.resultExtended ?? false, now: options.now ?? (() => new Date()) };
    this.onWarning = options.onWarning ?? (() => {});
  }

  storeResult(write: ResultWrite): Promise<void> {
    return this.backend.storeResult(buildResultMeta(write, this.meta) as StoredResultMeta);
  }

  getStatus(taskId: string): Promise<string> {
    return this.backend.getStatus(taskId);
  }

  getMeta(taskId: string): Promise<ResultMeta> {
    return this.backend.getMeta(taskId);
  }

  onChordPartReturn(context: ResultContext, state: string, result: unknown, sender: TaskSender): Promise<void> {
    return returnRedisChordPart({ chords: this.backend.chords, store: this, onWarning: this.onWarning }, context, state, result, sender);
  }

  /** The backend is its owner's to close. */
  async close(): Promise<void> {}
}

/** A Redis result store writing through `options.backend`. */
export function createRedisResultStore(options: RedisResultStoreOptions): RedisResultStore {
  return new RedisResultStore(options);
}
