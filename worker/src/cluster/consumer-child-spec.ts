import { CeleryProtoError } from "../../../sdk/src/errors/celery-proto-error.js";

/** The environment variable by which a node process tells a forked child that it is one of its consumer processes. */
export const CONSUMER_CHILD_ENV = "CELERY_PROTO_CONSUMER_CHILD";

/** What a consumer process is told by its node: which one it is and its share of the node's concurrency. */
export interface ConsumerChildSpec {
  /** 0-based: the child is named `ConsumerProcess-<index + 1>` in the node's logs. */
  readonly index: number;
  readonly concurrency: number;
}

export function formatConsumerChildSpec(spec: ConsumerChildSpec): string {
  return JSON.stringify(spec);
}

/** The spec in `env`, or null when this process is not a consumer child. Throws `InvalidOption` for a malformed one. */
export function readConsumerChildSpec(env: NodeJS.ProcessEnv): ConsumerChildSpec | null {
  const text = env[CONSUMER_CHILD_ENV];
  if (text === undefined || text === "") return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = null;
  }
  const spec = parsed as Partial<ConsumerChildSpec> | null;
  if (spec === null || typeof spec !== "object" || !isCount(spec.index, 0) || !isCount(spec.concurrency, 1))
    throw new CeleryProtoError(
      "InvalidOption",
      `${CONSUMER_CHILD_ENV}: set only by proto worker --consumer-processes for its children, must be {"index": n, "concurrency": n}; got ${JSON.stringify(text)} (unset it)`,
    );
  return { index: spec.index, concurrency: spec.concurrency };
}

function isCount(value: unknown, min: number): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= min;
}
