import type { CatalogParameterModel, CatalogTaskModel, JsonSchema } from "../../../codegen/src/catalog/task-catalog-model.js";
import { CeleryProtoError } from "../../../sdk/src/errors/celery-proto-error.js";
import { checkTaskArguments } from "../../../sdk/src/typed/check-task-arguments.js";
import type { StandaloneValidator } from "../../../sdk/src/typed/standalone-validator.js";
import { schemaSamples, type SchemaSamples } from "./schema-samples.js";

/** One call of a catalog task: `minimal`, `all`, or a parameter's boundary (`times.maximum`, `label.null`). */
export interface ArgumentVector {
  readonly label: string;
  readonly args: readonly unknown[];
  readonly kwargs: Readonly<Record<string, unknown>>;
}

/**
 * The argument vectors of a task, deterministic: `minimal` (required parameters only, each its smallest valid value),
 * `all` (every parameter, optional properties too), then each parameter's boundaries in turn (minimum, maximum,
 * minLength, minItems, each enum value, each type of a union, ...) with the other parameters as in `minimal`.
 * Vectors equal to an earlier one are left out. Each is checked against the task's arguments schema
 * (`validateArguments`, bound as Python binds the call).
 *
 * @throws CeleryProtoError (`InvalidOption`) when a value cannot be generated, or a generated vector is invalid
 *   (a generator bug, or a schema it does not understand: the message names the task, the vector and the rule).
 */
export function catalogVectors(task: CatalogTaskModel, defs: Readonly<Record<string, JsonSchema>>, validateArguments: StandaloneValidator): ArgumentVector[] {
  const params = [...task.args.map((p) => ({ p, positional: true })), ...task.kwargs.map((p) => ({ p, positional: false }))];
  const samples = new Map<string, SchemaSamples>(params.map(({ p }) => [p.name, schemaSamples(p.schema, defs, `${task.name}: ${p.name}`)]));
  const sample = (p: CatalogParameterModel): SchemaSamples => samples.get(p.name) as SchemaSamples;
  /** A call with the required parameters' minimal values, `given` values overriding (and adding optional ones). */
  const call = (label: string, given: ReadonlyMap<string, unknown>): ArgumentVector => {
    const lastPositional = task.args.reduce((last, p, i) => (p.required || given.has(p.name) ? i : last), -1);
    const args = task.args.slice(0, lastPositional + 1).map((p) => (given.has(p.name) ? given.get(p.name) : sample(p).minimal));
    const kwargs: Record<string, unknown> = {};
    for (const p of task.kwargs) if (p.required || given.has(p.name)) kwargs[p.name] = given.has(p.name) ? given.get(p.name) : sample(p).minimal;
    return { label, args, kwargs };
  };
  const vectors: ArgumentVector[] = [call("minimal", new Map()), call("all", new Map(params.map(({ p }) => [p.name, sample(p).full])))];
  for (const { p } of params) for (const b of sample(p).boundaries) vectors.push(call(`${p.name}.${b.label}`, new Map([[p.name, b.value]])));
  if (task.varargs !== undefined) {
    const extra = schemaSamples(task.varargs, defs, `${task.name}: *args`);
    const all = vectors[1] as ArgumentVector;
    if (all.args.length === task.args.length) vectors.push({ label: "*args", args: [...all.args, extra.minimal], kwargs: all.kwargs });
  }
  const seen = new Set<string>();
  const unique = vectors.filter((v) => {
    const key = JSON.stringify([v.args, v.kwargs]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  for (const v of unique) checkVector(task, v, validateArguments);
  return unique;
}

function checkVector(task: CatalogTaskModel, vector: ArgumentVector, validateArguments: StandaloneValidator): void {
  const spec = {
    name: task.name,
    args: task.args.map((p) => p.name),
    requiredArgs: task.args.filter((p) => p.required).length,
    kwargs: task.kwargs.map((p) => p.name),
    varargs: task.varargs !== undefined,
    validateArguments,
  };
  try {
    checkTaskArguments(spec, vector.args, vector.kwargs);
  } catch (e) {
    throw new CeleryProtoError(
      "InvalidOption",
      `--catalog: generated arguments ${vector.label} ${JSON.stringify([vector.args, vector.kwargs])} are not valid: ${(e as Error).message} (give the schema \`examples\`)`,
      { cause: e },
    );
  }
}
