import type { Redis } from "ioredis";

/** The part of ioredis's (undeclared) API that rejects every queued command. */
interface FlushableRedis {
  flushQueue?: (error: Error) => void;
}

/**
 * Closes an ioredis connection now. ioredis 6's `disconnect()` during a pending reconnection only cancels the timer:
 * no `close` event follows and queued commands would wait forever. Those are rejected here ("Connection is
 * closed.", which the transport reports as `TransportClosed`).
 */
export function disconnectRedis(client: Redis): void {
  const pendingReconnect = client.status === "reconnecting";
  client.disconnect();
  if (pendingReconnect) (client as unknown as FlushableRedis).flushQueue?.(new Error("Connection is closed."));
}
