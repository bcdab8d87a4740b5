import { brokerFamily } from "../../../sdk/src/transport/broker-scheme.js";
import type { FeatureName, FeatureSet } from "./conformance-case.js";
import { isNoFeature } from "./feature-none.js";
import { narrowFeatures, parseFeatureFlags } from "./implementation-features.js";

/**
 * The features a run has: those the implementation declares, narrowed by `--features`, then to the broker and result
 * backend in use (a case needing `broker: amqp` is skipped on Redis; one needing a result backend kind other than
 * the configured one too). `broker=none` / `result_backend=none` stay none.
 */
export function runFeatures(declared: FeatureSet, featureFlags: readonly string[], brokerUrl: string, backendUrl: string | null): FeatureSet {
  const narrowed: Partial<Record<FeatureName, readonly string[]>> = { ...narrowFeatures(declared, parseFeatureFlags(featureFlags), "--features") };
  const family = brokerFamily(brokerUrl);
  if (!isNoFeature(narrowed.broker)) narrowed.broker = (narrowed.broker ?? [family]).filter((b) => b === family);
  const backend = backendKind(backendUrl);
  if (!isNoFeature(narrowed.result_backend))
    narrowed.result_backend = backend === null ? [] : (narrowed.result_backend ?? [backend]).filter((b) => b === backend);
  return narrowed;
}

/** `redis://...` → redis, `rpc://` → rpc, others by their scheme; null for none. */
export function backendKind(url: string | null): string | null {
  if (url === null || url === "") return null;
  const scheme = url.slice(0, Math.max(0, url.indexOf(":"))).toLowerCase();
  return scheme === "rediss" ? "redis" : scheme;
}
