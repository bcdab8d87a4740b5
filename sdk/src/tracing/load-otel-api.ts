import type * as OtelApiNamespace from "@opentelemetry/api";
import { CeleryProtoError } from "../errors/celery-proto-error.js";

/** The `@opentelemetry/api` module, as a value. */
export type OtelApi = typeof OtelApiNamespace;

/**
 * Loads `@opentelemetry/api`, the optional peer dependency: only when tracing is turned on, so that nothing of it loads
 * otherwise. Refused with `InvalidOption` naming the package when it is not installed.
 */
export async function loadOtelApi(): Promise<OtelApi> {
  try {
    return await import("@opentelemetry/api");
  } catch (e) {
    throw new CeleryProtoError("InvalidOption", "tracing: needs the package @opentelemetry/api (an optional peer dependency): npm install @opentelemetry/api", {
      cause: e,
    });
  }
}
