import { CeleryProtoError } from "../../../sdk/src/errors/celery-proto-error.js";
import type { SignatureDict } from "../../../sdk/src/canvas/signature-dict.js";
import { fromPyNumberTags, toPyNumberTags } from "./py-number-tags.js";

/** `POST /result`'s answer: Celery's state and result (an exception as `{type, message}`); `timeout` when not ready in time. */
export interface PeerResult {
  readonly state: string;
  readonly result?: unknown;
  readonly traceback?: string | null;
  readonly timeout?: boolean;
}

/** The Celery peer's producer server (`--producer`): Celery's own send_task, canvas apply_async and AsyncResult.get. */
export interface PeerProducer {
  readonly url: string;
  health(): Promise<{ readonly ok: boolean; readonly celery?: string; readonly kombu?: string }>;
  send(task: string, args: readonly unknown[], kwargs: Readonly<Record<string, unknown>>, options: Readonly<Record<string, unknown>>): Promise<string>;
  canvas(signature: SignatureDict): Promise<string>;
  /** `typed`: Python's types kept (`$py` tags; NaN, ±Infinity and integers beyond 2^53 as JS numbers and bigints), for cases. */
  result(id: string, timeoutSeconds: number, typed?: boolean): Promise<PeerResult>;
}

/** An HTTP client for the peer's producer at `url` (e.g. http://127.0.0.1:8787). */
export function peerProducer(url: string): PeerProducer {
  const base = url.replace(/\/+$/, "");
  const call = async <T>(path: string, body?: unknown, timeoutMs = 30_000, typed = false): Promise<T> => {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method: body === undefined ? "GET" : "POST",
        ...(body === undefined ? {} : { body: JSON.stringify(body, toPyNumberTags), headers: { "content-type": "application/json" } }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (e) {
      throw new CeleryProtoError("TransportClosed", `--producer ${base}${path}: ${(e as Error).message}`);
    }
    const text = await response.text();
    if (!response.ok) throw new CeleryProtoError("InvalidMessage", `--producer ${base}${path}: HTTP ${response.status}: ${text.slice(0, 500)}`);
    try {
      return (typed ? JSON.parse(text, fromPyNumberTags) : JSON.parse(text)) as T;
    } catch {
      throw new CeleryProtoError("InvalidMessage", `--producer ${base}${path}: not JSON: ${text.slice(0, 200)}`);
    }
  };
  return {
    url: base,
    health: () => call("/health", undefined, 5000),
    send: async (task, args, kwargs, options) => (await call<{ id: string }>("/send", { task, args, kwargs, options })).id,
    canvas: async (signature) => (await call<{ id: string }>("/canvas", { signature })).id,
    result: (id, timeoutSeconds, typed = false) =>
      call<PeerResult>("/result", { id, timeout: timeoutSeconds, ...(typed ? { typed } : {}) }, timeoutSeconds * 1000 + 10_000, typed),
  };
}
