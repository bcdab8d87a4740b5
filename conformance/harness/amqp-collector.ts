import type { Delivery } from "../../sdk/src/transport/transport.js";

/** Collects a consumer's deliveries; `next(n)` waits until n have arrived in all. */
export interface DeliveryCollector {
  readonly got: Delivery[];
  readonly onDelivery: (delivery: Delivery) => void;
  next(n: number, timeoutMs?: number): Promise<Delivery[]>;
}

export function createDeliveryCollector(): DeliveryCollector {
  const got: Delivery[] = [];
  let wake: (() => void) | null = null;
  return {
    got,
    onDelivery: (d) => {
      got.push(d);
      wake?.();
    },
    async next(n, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (got.length < n) {
        if (Date.now() > deadline) throw new Error(`received ${got.length} of ${n} deliveries within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 20);
        });
      }
      return got;
    },
  };
}
