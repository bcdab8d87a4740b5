// Results: reading (and, for Redis, writing) task results in Celery result backends (Redis, RPC) and the
// AsyncResult/GroupResult API.
export type { ResultBackend, WaitOptions } from "./result-backend.js";
export type { ResultApp } from "./result-app.js";
export type { ResultHandle } from "./result-handle.js";
export type { ResultGetOptions } from "./result-get-options.js";
export type { RevokeOptions } from "./revoke-options.js";
export { AsyncResult } from "./async-result.js";
export { GroupResult } from "./group-result.js";
export { resultFromTuple } from "./result-from-tuple.js";
export { createGroupTuple, resultNodeId, resultNodeParent } from "./result-tuple.js";
export { READY_STATES, PROPAGATE_STATES, isReadyState } from "./task-states.js";
export { metaToError } from "./meta-to-error.js";
export { createPendingMeta } from "./pending-meta.js";
export { createResultBackend, type CreateResultBackendOptions } from "./create-result-backend.js";
export { DisabledResultBackend } from "./disabled-result-backend.js";
export { RedisResultBackend, createRedisResultBackend, type StoredResultMeta } from "./redis-result-backend.js";
export { RedisChordCounter, type ChordPart, type ChordPartReturn, type CountedPart, type RedisChordSettings } from "./redis-chord-counter.js";
export {
  DEFAULT_REDIS_RESULT_BACKEND_OPTIONS,
  compileRedisResultBackendOptions,
  type RedisResultBackendOptions,
  type CompiledRedisResultBackendOptions,
} from "./redis-result-backend-options.js";
export { createRedisResultKeys, resolveGlobalKeyprefix, TASK_KEY_PREFIX, GROUP_KEY_PREFIX, type RedisResultKeys } from "./redis-result-keys.js";
export { encodeGroupMeta } from "./encode-group-meta.js";
export { decodeGroupMeta } from "./decode-group-meta.js";
export { RpcResultBackend, createRpcResultBackend } from "./rpc-result-backend.js";
export {
  DEFAULT_RPC_RESULT_BACKEND_OPTIONS,
  compileRpcResultBackendOptions,
  type RpcResultBackendOptions,
  type CompiledRpcResultBackendOptions,
} from "./rpc-result-backend-options.js";
export { decodeRpcReply, type RpcReply } from "./decode-rpc-reply.js";
