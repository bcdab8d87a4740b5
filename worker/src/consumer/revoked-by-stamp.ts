import type { TaskRequest } from "../request/task-request.js";

/**
 * Celery's stamp check in `Request.revoked()`: the first stamped header whose value (or one of whose values) was
 * revoked by `revoke_by_stamped_headers`; null when none matches.
 */
export function revokedByStamp(request: TaskRequest, revokedStamps: ReadonlyMap<string, readonly unknown[]>): Readonly<Record<string, unknown>> | null {
  for (const stamp of request.stampedHeaders) {
    const revoked = revokedStamps.get(stamp);
    if (revoked === undefined) continue;
    const value = request.stamps[stamp];
    if (value === null || value === undefined) continue;
    if (Array.isArray(value)) {
      const hit = value.find((v) => revoked.includes(v));
      if (hit !== undefined) return { [stamp]: hit };
    } else if (revoked.includes(value)) {
      return { [stamp]: value };
    }
  }
  return null;
}
