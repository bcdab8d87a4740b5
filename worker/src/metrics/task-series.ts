import { HistogramData } from "./histogram-data.js";
import { RUNTIME_BUCKETS, WAIT_BUCKETS } from "./metric-buckets.js";

/**
 * The per-task numbers of one (`name`, `queue_name`) pair. Created on a pair's first event with every counter at 0,
 * as celery-exporter initialises the other counters of a task's labels (`failed` with `exception=""`).
 */
export class TaskSeries {
  received = 0;
  started = 0;
  succeeded = 0;
  retried = 0;
  revoked = 0;
  rejected = 0;
  /** By `exception` label. */
  readonly failed = new Map<string, number>([["", 0]]);
  readonly runtime = new HistogramData(RUNTIME_BUCKETS);
  readonly failedRuntime = new HistogramData(RUNTIME_BUCKETS);
  readonly wait = new HistogramData(WAIT_BUCKETS);

  constructor(
    readonly name: string,
    readonly queue: string,
  ) {}
}

/** Every `TaskSeries` by task name, then queue: two map lookups per event, no key string built. */
export class TaskSeriesTable {
  private readonly byName = new Map<string, Map<string, TaskSeries>>();

  get(name: string, queue: string): TaskSeries {
    let byQueue = this.byName.get(name);
    if (byQueue === undefined) {
      byQueue = new Map();
      this.byName.set(name, byQueue);
    }
    let series = byQueue.get(queue);
    if (series === undefined) {
      series = new TaskSeries(name, queue);
      byQueue.set(queue, series);
    }
    return series;
  }

  *all(): IterableIterator<TaskSeries> {
    for (const byQueue of this.byName.values()) yield* byQueue.values();
  }
}
