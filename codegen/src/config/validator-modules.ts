/** A generated validators module holding what one part of the runtime imports, so that it loads nothing else. */
export interface ValidatorModule {
  /** `task` → `sdk/src/gen/json-schema/task-validators.js` and `.d.ts`. */
  readonly name: string;
  /** The named schemas (type names) it exports a `validate<Name>` for. */
  readonly schemas: readonly string[];
}

/**
 * The validators the runtime imports, by the code that imports them. Each module is compiled on its own, so modules
 * repeat what they share; these share almost nothing (measured: 1-2%). Every other named schema has a validator only
 * in the all-in-one `validators.js`, which tests and tools use and no runtime code imports (a test checks).
 */
export const VALIDATOR_MODULES: readonly ValidatorModule[] = [
  // sdk/src/codec/task (decoding task messages)
  { name: "task", schemas: ["TaskHeadersV2", "TaskBodyV1", "TaskBodyV2"] },
  // sdk/src/codec/redis and sdk/src/codec/amqp (what a broker delivers, around any message kind)
  { name: "envelope", schemas: ["RedisEnvelope", "AmqpMessage"] },
  // sdk/src/codec/result and sdk/src/results (result backends)
  { name: "result", schemas: ["ResultMeta", "ExceptionInfo", "GroupMeta", "RpcResultReply", "ResultTuple"] },
  // sdk/src/codec/message (events)
  { name: "event", schemas: ["EventMessage"] },
  // sdk/src/codec/message (remote control)
  { name: "control", schemas: ["ControlRequest", "ControlReply"] },
  // sdk/src/beat
  { name: "beat", schemas: ["BeatScheduleFile", "BeatStateFile"] },
  // codegen/src/catalog (`proto generate` reading a JSON Schema catalog)
  { name: "task-catalog", schemas: ["TaskCatalogFile"] },
];
