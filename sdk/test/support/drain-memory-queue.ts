import type { MemoryTransport } from "../../src/transport/memory/memory-transport.js";
import type { Delivery } from "../../src/transport/transport.js";

/** Everything published to `queue` on an in-memory transport so far (consumed without acks). */
export async function drainMemoryQueue(transport: MemoryTransport, queue: string): Promise<Delivery[]> {
  const got: Delivery[] = [];
  const consumer = await transport.consume([queue], (d) => got.push(d), { prefetch: 0, noAck: true });
  await new Promise((r) => setTimeout(r, 5));
  await consumer.cancel();
  return got;
}
