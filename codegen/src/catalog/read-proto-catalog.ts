import {
  getOption,
  hasOption,
  ScalarType,
  type DescEnum,
  type DescField,
  type DescFile,
  type DescMessage,
  type DescMethod,
  type DescService,
} from "@bufbuild/protobuf";
import { getComments } from "@bufbuild/protoplugin";
import { CeleryProtoError } from "../../../sdk/src/errors/celery-proto-error.js";
import type { CatalogRetryPolicy, CatalogTaskOptions } from "../../../sdk/src/gen/json-schema/types.js";
import {
  argument,
  ArgumentMapping,
  task as taskOption,
  tasks as tasksOption,
  type TaskRetryPolicy,
} from "../../../sdk/src/gen/proto/celery/v1/task_options_pb.js";
import { checkCatalogModel } from "./check-catalog-model.js";
import type { CatalogParameterModel, CatalogTaskModel, JsonSchema, TaskCatalogModel } from "./task-catalog-model.js";

/** Well-known types with a special JSON mapping (protobuf's), as the schema of their JSON value. */
const WELL_KNOWN: Readonly<Record<string, JsonSchema>> = {
  "google.protobuf.DoubleValue": { type: "number" },
  "google.protobuf.FloatValue": { type: "number" },
  "google.protobuf.Int64Value": { type: "integer" },
  "google.protobuf.UInt64Value": { type: "integer", minimum: 0 },
  "google.protobuf.Int32Value": { type: "integer", minimum: -2147483648, maximum: 2147483647 },
  "google.protobuf.UInt32Value": { type: "integer", minimum: 0, maximum: 4294967295 },
  "google.protobuf.BoolValue": { type: "boolean" },
  "google.protobuf.StringValue": { type: "string" },
  "google.protobuf.BytesValue": { type: "string", contentEncoding: "base64" },
  "google.protobuf.Empty": { type: "null" },
  "google.protobuf.Value": true,
  "google.protobuf.Struct": { type: "object" },
  "google.protobuf.ListValue": { type: "array" },
  "google.protobuf.Timestamp": { type: "string", format: "date-time" },
  "google.protobuf.Duration": { type: "string", pattern: "^-?[0-9]+(\\.[0-9]+)?s$" },
};

/**
 * The task catalog of a protobuf file (schemas/proto/celery/v1/task_options.proto): every service marked with
 * `(celery.v1.tasks)` or having an RPC marked with `(celery.v1.task)`; each RPC is a task whose request message is
 * its arguments and response message its result. Messages used by arguments and results become `$defs`.
 */
/** True when the file declares a task service (what `readProtoCatalog` needs). */
export function hasTaskServices(file: DescFile): boolean {
  return file.services.some(isTaskService);
}

function isTaskService(service: DescService): boolean {
  return hasOption(service, tasksOption) || service.methods.some((method) => hasOption(method, taskOption));
}

export function readProtoCatalog(file: DescFile, source: string): TaskCatalogModel {
  const defs = new Map<string, JsonSchema>();
  const defNames = new Map<string, string>();
  const context: SchemaContext = { defs, defNames };
  const tasks: CatalogTaskModel[] = [];
  for (const service of file.services) {
    if (!isTaskService(service)) continue;
    for (const method of service.methods) tasks.push(toTask(service, method, context, source));
  }
  if (tasks.length === 0) {
    throw new CeleryProtoError(
      "InvalidOption",
      `${source}: no task service (mark a service with option (celery.v1.tasks) or its RPCs with option (celery.v1.task))`,
    );
  }
  tasks.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const sortedDefs = Object.fromEntries([...defs.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const description = file.services
    .map((service) => commentOf(service))
    .filter((text): text is string => text !== undefined)
    .join(" ");
  const model: TaskCatalogModel = { source, ...(description === "" ? {} : { description }), defs: sortedDefs, tasks };
  checkCatalogModel(model);
  return model;
}

interface SchemaContext {
  readonly defs: Map<string, JsonSchema>;
  /** Message type name → its `$defs` name. */
  readonly defNames: Map<string, string>;
}

function toTask(service: DescService, method: DescMethod, context: SchemaContext, source: string): CatalogTaskModel {
  const serviceOptions = getOption(service, tasksOption);
  const options = getOption(method, taskOption);
  const prefix = serviceOptions.taskPrefix !== "" ? serviceOptions.taskPrefix : service.typeName;
  const name = options.name !== "" ? options.name : `${prefix}.${toSnakeCase(method.name)}`;
  const mapping = options.arguments !== ArgumentMapping.UNSPECIFIED ? options.arguments : serviceOptions.arguments;
  const args: CatalogParameterModel[] = [];
  const kwargs: CatalogParameterModel[] = [];
  for (const field of [...method.input.fields].sort((a, b) => a.number - b.number)) {
    const parameter: CatalogParameterModel = {
      name: field.name,
      schema: fieldSchema(field, context),
      required: isRequired(field),
      ...describe(field),
    };
    if (mapping === ArgumentMapping.KEYWORD || getOption(field, argument).keyword) kwargs.push(parameter);
    else if (kwargs.length > 0) {
      throw new CeleryProtoError(
        "InvalidOption",
        `${source}: ${method.input.typeName}.${field.name}: a positional field follows a keyword one ((celery.v1.argument).keyword)`,
      );
    } else args.push(parameter);
  }
  const taskOptions: CatalogTaskOptions = {
    ...(options.queue !== "" ? { queue: options.queue } : serviceOptions.queue !== "" ? { queue: serviceOptions.queue } : {}),
    ...(options.routingKey !== "" ? { routingKey: options.routingKey } : {}),
    ...(options.priority !== undefined ? { priority: options.priority } : {}),
    ...(options.timeLimit !== undefined ? { timeLimit: options.timeLimit } : {}),
    ...(options.softTimeLimit !== undefined ? { softTimeLimit: options.softTimeLimit } : {}),
    ...(options.expires !== undefined ? { expires: options.expires } : {}),
    ...(options.ignoreResult !== undefined ? { ignoreResult: options.ignoreResult } : {}),
    ...(options.retry === undefined ? {} : { retry: toRetryPolicy(options.retry) }),
  };
  return {
    name,
    exportName: options.export !== "" ? options.export : method.name.replace(/^./, (c) => c.toLowerCase()),
    ...describe(method),
    args,
    kwargs,
    result: messageSchema(method.output, context),
    options: taskOptions,
  };
}

function toRetryPolicy(retry: TaskRetryPolicy): CatalogRetryPolicy {
  return {
    ...(retry.retryForever ? { maxRetries: null } : retry.maxRetries !== undefined ? { maxRetries: retry.maxRetries } : {}),
    ...(retry.defaultRetryDelay !== undefined ? { defaultRetryDelay: retry.defaultRetryDelay } : {}),
    ...(retry.autoretryFor.length > 0 ? { autoretryFor: [...retry.autoretryFor] } : {}),
    ...(retry.retryBackoff !== undefined ? { retryBackoff: retry.retryBackoff } : {}),
    ...(retry.retryBackoffMax !== undefined ? { retryBackoffMax: retry.retryBackoffMax } : {}),
    ...(retry.retryJitter !== undefined ? { retryJitter: retry.retryJitter } : {}),
  };
}

/** proto3 `optional` fields and members of a oneof may be left out; every other field is required. */
function isRequired(field: DescField): boolean {
  return field.proto.proto3Optional !== true && field.oneof === undefined;
}

function fieldSchema(field: DescField, context: SchemaContext): JsonSchema {
  const schema = valueSchema(field, context);
  const description = commentOf(field);
  return description === undefined || typeof schema !== "object" || "$ref" in schema ? schema : { ...schema, description };
}

function valueSchema(field: DescField, context: SchemaContext): JsonSchema {
  switch (field.fieldKind) {
    case "scalar":
      return scalarSchema(field.scalar);
    case "enum":
      return enumSchema(field.enum);
    case "message":
      return messageSchema(field.message, context);
    case "list":
      return {
        type: "array",
        items:
          field.listKind === "scalar" ? scalarSchema(field.scalar) : field.listKind === "enum" ? enumSchema(field.enum) : messageSchema(field.message, context),
      };
    case "map":
      return {
        type: "object",
        additionalProperties:
          field.mapKind === "scalar" ? scalarSchema(field.scalar) : field.mapKind === "enum" ? enumSchema(field.enum) : messageSchema(field.message, context),
      };
  }
}

function scalarSchema(scalar: ScalarType): JsonSchema {
  switch (scalar) {
    case ScalarType.DOUBLE:
    case ScalarType.FLOAT:
      return { type: "number" };
    case ScalarType.INT32:
    case ScalarType.SINT32:
    case ScalarType.SFIXED32:
      return { type: "integer", minimum: -2147483648, maximum: 2147483647 };
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      return { type: "integer", minimum: 0, maximum: 4294967295 };
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      return { type: "integer", minimum: 0 };
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64:
      return { type: "integer" };
    case ScalarType.BOOL:
      return { type: "boolean" };
    case ScalarType.STRING:
      return { type: "string" };
    case ScalarType.BYTES:
      return { type: "string", contentEncoding: "base64" };
  }
}

function enumSchema(desc: DescEnum): JsonSchema {
  return { type: "string", enum: desc.values.map((value) => value.name) };
}

/** A message's schema: a well-known type's JSON value, or a `$ref` to its `$defs` entry (added on first use). */
function messageSchema(message: DescMessage, context: SchemaContext): JsonSchema {
  const known = WELL_KNOWN[message.typeName];
  if (known !== undefined) return known;
  let defName = context.defNames.get(message.typeName);
  if (defName === undefined) {
    defName = [...context.defNames.values()].includes(message.name) ? message.typeName.replace(/\./g, "_") : message.name;
    context.defNames.set(message.typeName, defName);
    context.defs.set(defName, true); // placeholder: recursive messages refer to it while it is built
    const properties: Record<string, JsonSchema> = {};
    const required: string[] = [];
    for (const field of [...message.fields].sort((a, b) => a.number - b.number)) {
      properties[field.name] = fieldSchema(field, context);
      if (isRequired(field) && field.fieldKind !== "message" && field.fieldKind !== "list" && field.fieldKind !== "map") required.push(field.name);
    }
    context.defs.set(defName, { ...describe(message), type: "object", properties, required, additionalProperties: false });
  }
  return { $ref: `#/$defs/${defName}` };
}

function describe(desc: DescMessage | DescField | DescMethod): { description?: string } {
  const text = commentOf(desc);
  return text === undefined ? {} : { description: text };
}

function commentOf(desc: DescMessage | DescField | DescMethod | DescService): string | undefined {
  const text = getComments(desc)
    .leading?.trim()
    .replace(/\s*\n\s*/g, " ");
  return text === undefined || text === "" ? undefined : text;
}

function toSnakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z])([A-Z][a-z])/g, "$1_$2")
    .toLowerCase();
}
