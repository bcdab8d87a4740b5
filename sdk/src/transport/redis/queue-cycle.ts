/**
 * kombu's queue cycles (K:kombu/utils/scheduling.py), which order BRPOP keys: `round_robin` moves the queue just
 * served to the end, `priority` keeps the declared order, `sorted` sorts the names (code point order, as Python).
 */
export interface QueueCycle {
  /** The queues in the order the next BRPOP lists them. */
  current(): string[];
  /** Called with the queue a message just came from. */
  rotate(lastUsed: string): void;
}

export function createQueueCycle(strategy: "round_robin" | "sorted" | "priority", queues: readonly string[]): QueueCycle {
  const items = [...new Set(queues)];
  return {
    current: () => (strategy === "sorted" ? [...items].sort(comparePython) : [...items]),
    rotate: (lastUsed: string) => {
      if (strategy !== "round_robin") return;
      const at = items.indexOf(lastUsed);
      if (at >= 0) items.push(...items.splice(at, 1));
    },
  };
}

function comparePython(a: string, b: string): number {
  const x = [...a].map((c) => c.codePointAt(0) as number);
  const y = [...b].map((c) => c.codePointAt(0) as number);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return (x[i] as number) - (y[i] as number);
  }
  return x.length - y.length;
}
