/**
 * Why a socket could not reach `hostPort`, in words (Node's error codes become sentences). Used for the first line a
 * user reads when the broker is not there, so it names the address that failed.
 */
export function describeConnectError(error: unknown, hostPort: string): string {
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case "ECONNREFUSED":
      return `connection refused by ${hostPort} (nothing listens there)`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `the host of ${hostPort} was not found (DNS)`;
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return `${hostPort} is unreachable (no route to it)`;
    case "ECONNRESET":
    case "EPIPE":
      return `${hostPort} closed the connection during the handshake`;
    default:
      return `${hostPort}: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/**
 * The sentence of a connection attempt that ran out of time: names the wait and the setting that changes it. `server`
 * is what `hostPort` is to the user (`the result backend`). Default `"the broker"`.
 */
export function describeConnectTimeout(hostPort: string, timeoutMs: number, setting: string, server = "the broker"): string {
  return `${hostPort} did not complete the connection within ${formatSeconds(timeoutMs)}; raise ${setting} if ${server} is slow to answer`;
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}
