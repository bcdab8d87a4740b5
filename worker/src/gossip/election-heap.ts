/** One `worker-elect` request as Celery's gossip keeps it: `(clock, "<hostname>.<pid>", topic, action)`. */
export type ElectionEntry = readonly [clock: number, node: string, topic: unknown, action: unknown];

/**
 * Python's `heapq.heappush` on tuples, so that the heap's layout (which {@link sortHeap} reads by position) is the one
 * every Celery node builds from the same requests.
 */
export function heapPush(heap: ElectionEntry[], entry: ElectionEntry): void {
  heap.push(entry);
  let at = heap.length - 1;
  while (at > 0) {
    const parent = (at - 1) >> 1;
    if (compareEntries(heap[at]!, heap[parent]!) >= 0) break;
    [heap[at], heap[parent]] = [heap[parent]!, heap[at]!];
    at = parent;
  }
}

/**
 * kombu's `LamportClock.sort_heap` (C:kombu/clocks.py), quirks included, so that every node elects the same leader:
 * when the first two entries share a clock, the leader is the smallest node id among the leading run of equal clocks
 * except its last entry; otherwise the first entry. kombu reads `h[1]` unguarded: a heap of one entry raises there
 * (IndexError); here that entry wins.
 */
export function sortHeap(heap: readonly ElectionEntry[]): ElectionEntry {
  const [first, second] = heap;
  if (first === undefined) throw new RangeError("sortHeap: an empty heap");
  if (second === undefined || first[0] !== second[0]) return first;
  const same: ElectionEntry[] = [];
  for (let i = 0; i + 1 < heap.length; i++) {
    if (heap[i]![0] !== heap[i + 1]![0]) break;
    same.push(heap[i]!);
  }
  return same.reduce((best, entry) => (entry[1] < best[1] ? entry : best));
}

/** Python's tuple ordering for election entries: clock, then node id, then topic and action when both are strings. */
function compareEntries(a: ElectionEntry, b: ElectionEntry): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  for (const i of [1, 2, 3] as const) {
    const x = a[i];
    const y = b[i];
    if (typeof x === "string" && typeof y === "string" && x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
