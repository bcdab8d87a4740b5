import type { CatalogTaskOptions } from "../../../sdk/src/gen/json-schema/types.js";

/** A JSON Schema as the catalog holds it (draft 2020-12; `true` accepts anything). */
export type JsonSchema = boolean | { readonly [keyword: string]: unknown };

/** One parameter of a task. */
export interface CatalogParameterModel {
  readonly name: string;
  readonly schema: JsonSchema;
  readonly required: boolean;
  readonly description?: string;
}

/** One task, whatever front end (JSON Schema catalog, protobuf service, Python app) it came from. */
export interface CatalogTaskModel {
  /** Registered Celery task name. */
  readonly name: string;
  /** TypeScript identifier of the task in generated code. */
  readonly exportName: string;
  readonly description?: string;
  /** Positional parameters in order (required ones first). */
  readonly args: readonly CatalogParameterModel[];
  /** Keyword-only parameters. */
  readonly kwargs: readonly CatalogParameterModel[];
  /** Schema of each extra positional argument, when `*args` is accepted. */
  readonly varargs?: JsonSchema;
  /** Schema of each extra keyword argument, when `**kwargs` is accepted. */
  readonly varkwargs?: JsonSchema;
  readonly result: JsonSchema;
  readonly options: CatalogTaskOptions;
}

/** The internal model both catalog front ends produce and the emitter consumes. */
export interface TaskCatalogModel {
  /** The catalog file, as written into generated headers. */
  readonly source: string;
  readonly description?: string;
  /** Shared schemas, referenced as `#/$defs/<Name>`; each becomes an exported type. */
  readonly defs: Readonly<Record<string, JsonSchema>>;
  /** Sorted by task name. */
  readonly tasks: readonly CatalogTaskModel[];
}
