import { compileCatalogSchemas } from "../../../codegen/src/catalog/compile-catalog-schemas.js";
import { readJsonSchemaCatalog } from "../../../codegen/src/catalog/read-json-schema-catalog.js";
import { compileClientOptions } from "../../../sdk/src/client/compile-client-options.js";
import type { LoadedCeleryConfig } from "../../../sdk/src/config/load-celery-config.js";
import type { StandaloneValidator } from "../../../sdk/src/typed/standalone-validator.js";
import type { CaseEnvironment } from "./case-environment.js";
import { catalogVectors } from "./catalog-vectors.js";
import { checkCatalogResult } from "./check-catalog-result.js";
import type { ConformanceCase, TaskInput } from "./conformance-case.js";
import type { TaskObservation } from "./observation.js";
import { observeHandle, observePeerResult } from "./observe-result.js";

/** The prefix of every catalog case's name: `catalog/<task>/<vector>`. */
export const CATALOG_PREFIX = "catalog/";

/** The suffix of a catalog case sent by the Celery peer's producer (a Python-made message) instead of our client. */
export const CELERY_PRODUCER_SUFFIX = "/celery-producer";

/** A user's catalog as conformance cases, and how to run them. */
export interface CatalogCases {
  /** Every case: sent by our client, and by the peer's producer. */
  readonly cases: readonly ConformanceCase[];
  /**
   * The cases a run has: those sent by our client, and those sent by the peer's producer when it answers
   * (`GET /health`); `progress` says when it does not.
   */
  casesFor(env: CaseEnvironment, progress: (text: string) => void): Promise<ConformanceCase[]>;
  /** Whether `c` is one of `cases`. */
  owns(c: ConformanceCase): boolean;
  /** Runs one of `cases`: sends the task, waits for its result and checks it against the task's `result` schema. */
  run(env: CaseEnvironment, c: ConformanceCase, timeoutMs: number): Promise<string[]>;
}

/**
 * Reads a task catalog (`schemas/json/task-catalog.schema.json`, e.g. from `proto import-python`) and makes a case
 * per task and argument vector: `catalog/<task>/<vector>` sent by our client (direction ts-to-celery: our producer,
 * the user's workers) and `catalog/<task>/<vector>/celery-producer` sent by Celery's `send_task` through the peer's
 * producer (direction celery-to-ts: a Python-made message). Each goes to the catalog's `options.queue` for the task,
 * else `queue` (`--catalog-queue`), else wherever the run's configuration (`config`: `task_routes`,
 * `task_default_queue`) routes it; the peer's producer is given the queue (exchange, routing key) our client's router
 * chooses, so that both messages reach the same workers.
 */
export async function loadCatalogCases(file: string, queue: string | undefined, config?: LoadedCeleryConfig): Promise<CatalogCases> {
  const model = await readJsonSchemaCatalog(file, "--catalog");
  const compiled = compileCatalogSchemas(model);
  const resultValidators = new Map<string, StandaloneValidator>();
  const cases: ConformanceCase[] = [];
  for (const task of model.tasks) {
    const refs = compiled.refs.get(task.name);
    const validateArguments = refs === undefined ? undefined : compiled.ajv.getSchema(refs.arguments);
    const validateResult = refs === undefined ? undefined : compiled.ajv.getSchema(refs.result);
    if (validateArguments === undefined || validateResult === undefined) throw new Error(`--catalog: ${task.name}: its schemas were not compiled`);
    resultValidators.set(task.name, validateResult);
    const taskQueue = task.options.queue ?? queue;
    for (const vector of catalogVectors(task, model.defs, validateArguments)) {
      const input: TaskInput = {
        kind: "task",
        task: task.name,
        args: vector.args,
        kwargs: vector.kwargs,
        options: taskQueue === undefined ? {} : { queue: taskQueue },
      };
      const name = `${CATALOG_PREFIX}${task.name}/${vector.label}`;
      const description = `${task.name}(${JSON.stringify(vector.args).slice(1, -1)}${Object.keys(vector.kwargs).length === 0 ? "" : `, **${JSON.stringify(vector.kwargs)}`})`;
      cases.push({ name, direction: "ts-to-celery", description, features: {}, input, expect: {}, file });
      cases.push({ name: `${name}${CELERY_PRODUCER_SUFFIX}`, direction: "celery-to-ts", description, features: {}, input, expect: {}, file });
    }
  }
  const owned = new Set(cases);
  const router = compileClientOptions(config === undefined ? {} : { config }).router;
  /** The peer's send options: the catalog's queue, else where our client's router sends the task. */
  const peerOptions = (input: TaskInput): Record<string, unknown> => {
    if (typeof input.options["queue"] === "string") return { ...input.options };
    const routed = router.route(input.task, input.args, input.kwargs);
    const out: Record<string, unknown> = {};
    if (routed.queue !== undefined) out["queue"] = routed.queue.name;
    if (typeof routed.exchange === "string") out["exchange"] = routed.exchange;
    if (typeof routed.routing_key === "string") out["routing_key"] = routed.routing_key;
    return out;
  };
  return {
    cases,
    async casesFor(env, progress) {
      const peerAnswers = await env.peer.health().then(
        () => true,
        () => false,
      );
      if (!peerAnswers) progress(`--catalog: the peer producer ${env.peer.url} did not answer: the catalog's tasks are sent by our client only\n`);
      return cases.filter((c) => peerAnswers || c.direction !== "celery-to-ts");
    },
    owns: (c) => owned.has(c),
    async run(env, c, timeoutMs) {
      const input = c.input as TaskInput;
      const validateResult = resultValidators.get(input.task);
      if (validateResult === undefined) throw new Error(`${c.name}: not a case of --catalog ${file}`);
      const observed =
        c.direction === "celery-to-ts"
          ? await sendByPeer(env, { ...input, options: peerOptions(input) }, timeoutMs)
          : await sendByClient(env, input, timeoutMs);
      return checkCatalogResult(observed, validateResult);
    },
  };
}

async function sendByClient(env: CaseEnvironment, input: TaskInput, timeoutMs: number): Promise<TaskObservation> {
  const sentAt = Date.now();
  const queue = input.options["queue"];
  const handle = await env.client.enqueue(input.task, input.args, input.kwargs, typeof queue === "string" ? { queue } : {});
  return observeHandle(handle, sentAt, Math.max(1, timeoutMs - (Date.now() - sentAt)));
}

async function sendByPeer(env: CaseEnvironment, input: TaskInput, timeoutMs: number): Promise<TaskObservation> {
  const sentAt = Date.now();
  const id = await env.peer.send(input.task, input.args, input.kwargs, input.options);
  const seconds = Math.max(0.5, (timeoutMs - (Date.now() - sentAt)) / 1000 - 0.5);
  return observePeerResult(await env.peer.result(id, seconds), id, seconds, sentAt);
}
