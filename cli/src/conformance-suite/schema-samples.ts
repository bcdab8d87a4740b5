import type { JsonSchema } from "../../../codegen/src/catalog/task-catalog-model.js";
import { CeleryProtoError } from "../../../sdk/src/errors/celery-proto-error.js";

// Why not json-schema-faker (or openapi-sampler, @stoplight/json-schema-sampler): the faker draws random values
// (a run would not be reproducible, and a failure not re-runnable by name), and the samplers give one example per
// schema; neither aims at the edges (minimum, maximum, minLength, minItems, each enum value, each type of a union)
// where a Python and a TypeScript implementation disagree. These samples are deterministic and boundary-oriented.

/** One labelled value of a schema: `minimum`, `null`, `enum=red`, `x.maximum` (a property's boundary). */
export interface SchemaSample {
  readonly label: string;
  readonly value: unknown;
}

/** Deterministic values of a schema: the smallest valid one, a full one (optional properties too), and its boundaries. */
export interface SchemaSamples {
  readonly minimal: unknown;
  readonly full: unknown;
  readonly boundaries: readonly SchemaSample[];
}

/** Values for a `format` (those a catalog imported from Python type hints uses, and the common ones). */
const FORMAT_VALUES: Readonly<Record<string, string>> = {
  "date-time": "2024-01-02T03:04:05Z",
  date: "2024-01-02",
  time: "03:04:05Z",
  duration: "P1D",
  email: "user@example.com",
  hostname: "example.com",
  ipv4: "127.0.0.1",
  ipv6: "::1",
  uri: "https://example.com/",
  "uri-reference": "/path",
  uuid: "00000000-0000-4000-8000-000000000000",
};

/** How deep optional properties and boundaries are followed (a recursive schema stops at its required part). */
const MAX_DEPTH = 4;

/**
 * The samples of `schema`, `$ref`s (`#/$defs/<Name>`) resolved against `defs`. A schema's own `examples` are used as
 * given (the way to cover a `pattern`, `not` or an unknown `format`, which are not generated).
 *
 * @throws CeleryProtoError (`InvalidOption`) naming `where` when no value can be generated.
 */
export function schemaSamples(schema: JsonSchema, defs: Readonly<Record<string, JsonSchema>>, where: string): SchemaSamples {
  return new Sampler(defs).samples(schema, where, 0);
}

type SchemaObject = { readonly [keyword: string]: unknown };

class Sampler {
  constructor(private readonly defs: Readonly<Record<string, JsonSchema>>) {}

  samples(input: JsonSchema, where: string, depth: number): SchemaSamples {
    if (input === true) return { minimal: null, full: null, boundaries: [] };
    if (input === false) throw cannot(where, "the schema is false (no value is valid)");
    const schema = this.resolve(input, where, depth);
    if (Array.isArray(schema["examples"]) && schema["examples"].length > 0) {
      const examples = schema["examples"] as readonly unknown[];
      return { minimal: examples[0], full: examples[0], boundaries: examples.map((value, i) => ({ label: `example${i}`, value })) };
    }
    if ("const" in schema) return { minimal: schema["const"], full: schema["const"], boundaries: [] };
    if (Array.isArray(schema["enum"])) {
      const values = schema["enum"] as readonly unknown[];
      if (values.length === 0) throw cannot(where, "enum is empty");
      return { minimal: values[0], full: values[0], boundaries: values.map((value) => ({ label: `enum=${labelOf(value)}`, value })) };
    }
    const branches = (schema["anyOf"] ?? schema["oneOf"]) as readonly JsonSchema[] | undefined;
    if (Array.isArray(branches))
      return this.union(
        branches.map((b, i) => ({ label: `${"anyOf" in schema ? "anyOf" : "oneOf"}${i}`, schema: b })),
        where,
        depth,
      );
    const type = schema["type"] ?? inferType(schema);
    if (Array.isArray(type))
      return this.union(
        (type as readonly string[]).map((t) => ({ label: t, schema: { ...schema, type: t } })),
        where,
        depth,
      );
    switch (type) {
      case undefined:
        return { minimal: null, full: null, boundaries: [] };
      case "null":
        return { minimal: null, full: null, boundaries: [] };
      case "boolean":
        return {
          minimal: false,
          full: true,
          boundaries: [
            { label: "true", value: true },
            { label: "false", value: false },
          ],
        };
      case "integer":
      case "number":
        return numberSamples(schema, type === "integer", where);
      case "string":
        return stringSamples(schema, where);
      case "array":
        return this.arraySamples(schema, where, depth);
      case "object":
        return this.objectSamples(schema, where, depth);
      default:
        throw cannot(where, `unknown type ${JSON.stringify(type)}`);
    }
  }

  /** `$ref` and `allOf` merged into one schema object (siblings of `$ref` kept). */
  private resolve(schema: SchemaObject, where: string, depth: number): SchemaObject {
    let out: SchemaObject = schema;
    for (let hops = 0; typeof out["$ref"] === "string"; hops++) {
      const ref = out["$ref"] as string;
      const name = /^#\/\$defs\/([^/]+)$/.exec(ref)?.[1];
      const target = name === undefined ? undefined : this.defs[decodeURIComponent(name).replace(/~1/g, "/").replace(/~0/g, "~")];
      if (target === undefined) throw cannot(where, `$ref ${JSON.stringify(ref)} is not one of the catalog's $defs`);
      if (hops > 32) throw cannot(where, `$ref ${JSON.stringify(ref)} refers to itself`);
      const { $ref: _ref, ...siblings } = out;
      out = target === true ? siblings : target === false ? { not: {} } : { ...target, ...siblings };
    }
    if (Array.isArray(out["allOf"])) {
      const { allOf, ...rest } = out;
      let merged: Record<string, unknown> = { ...rest };
      for (const part of allOf as readonly JsonSchema[]) {
        if (typeof part === "boolean") continue;
        const p = this.resolve(part, where, depth);
        const properties = { ...(merged["properties"] as object | undefined), ...(p["properties"] as object | undefined) };
        const required = [...((merged["required"] as string[] | undefined) ?? []), ...((p["required"] as string[] | undefined) ?? [])];
        merged = { ...merged, ...p, properties, required };
      }
      out = merged;
    }
    return out;
  }

  private union(branches: readonly { label: string; schema: JsonSchema }[], where: string, depth: number): SchemaSamples {
    const each = branches.map((b) => ({ label: b.label, samples: this.samples(b.schema, where, depth) }));
    const first = each[0];
    if (first === undefined) throw cannot(where, "a union of no schema");
    return {
      minimal: first.samples.minimal,
      full: first.samples.full,
      boundaries: each.flatMap((b) => [
        { label: b.label, value: b.samples.minimal },
        ...b.samples.boundaries.map((s) => ({ label: `${b.label}.${s.label}`, value: s.value })),
      ]),
    };
  }

  private arraySamples(schema: SchemaObject, where: string, depth: number): SchemaSamples {
    const prefix = (Array.isArray(schema["prefixItems"]) ? schema["prefixItems"] : []) as readonly JsonSchema[];
    const prefixSamples = prefix.map((s, i) => this.samples(s, `${where}/${i}`, depth + 1));
    const itemSchema = (schema["items"] ?? true) as JsonSchema;
    const minItems = typeof schema["minItems"] === "number" ? schema["minItems"] : 0;
    const maxItems = typeof schema["maxItems"] === "number" ? schema["maxItems"] : undefined;
    const item = itemSchema === false ? null : this.samples(itemSchema, `${where}/${prefix.length}`, depth + 1);
    const unique = schema["uniqueItems"] === true;
    const fill = (count: number, firstValue: "minimal" | "full"): unknown[] => {
      const values = prefixSamples.slice(0, count).map((s) => s[firstValue]);
      if (values.length >= count) return values;
      if (item === null) throw cannot(where, `minItems ${count} but no items beyond the ${prefix.length} prefixItems`);
      const pool = unique ? distinct([item[firstValue], item.minimal, item.full, ...item.boundaries.map((b) => b.value)]) : [item[firstValue]];
      for (let i = values.length; i < count; i++) {
        const value = pool[unique ? i - prefix.length : 0];
        if (unique && value === undefined) throw cannot(where, `uniqueItems with minItems ${count}: not enough distinct item values (give \`examples\`)`);
        values.push(value);
      }
      return values;
    };
    const minimalCount = Math.max(minItems, prefixSamples.length === 0 ? 0 : Math.min(prefix.length, maxItems ?? prefix.length));
    const fullCount = Math.min(Math.max(minimalCount, prefix.length + (item === null ? 0 : 1)), maxItems ?? Number.POSITIVE_INFINITY);
    const boundaries: SchemaSample[] = [];
    if (minItems > 0) boundaries.push({ label: "minItems", value: fill(minItems, "minimal") });
    else if (prefix.length === 0 || schema["minItems"] === undefined) boundaries.push({ label: "empty", value: fill(0, "minimal") });
    if (maxItems !== undefined && maxItems > minItems && maxItems <= 1000) boundaries.push({ label: "maxItems", value: fill(maxItems, "minimal") });
    if (item !== null && depth < MAX_DEPTH) {
      const count = Math.max(minItems, prefix.length + 1);
      for (const b of item.boundaries) {
        if (unique && count > 1) continue;
        const base = fill(count - 1, "minimal");
        boundaries.push({ label: `item.${b.label}`, value: [...base, b.value] });
      }
    }
    return { minimal: fill(minimalCount, "minimal"), full: fill(fullCount, "full"), boundaries };
  }

  private objectSamples(schema: SchemaObject, where: string, depth: number): SchemaSamples {
    const properties = (schema["properties"] ?? {}) as Readonly<Record<string, JsonSchema>>;
    const required = new Set((schema["required"] ?? []) as readonly string[]);
    const minimal: Record<string, unknown> = {};
    const full: Record<string, unknown> = {};
    const boundaries: SchemaSample[] = [];
    const names = [...new Set([...required, ...Object.keys(properties)])];
    for (const name of names) {
      const isRequired = required.has(name);
      if (!isRequired && depth >= MAX_DEPTH) continue;
      const s = this.samples(properties[name] ?? true, `${where}/${name}`, depth + 1);
      if (isRequired) minimal[name] = s.minimal;
      full[name] = isRequired && depth >= MAX_DEPTH ? s.minimal : s.full;
      if (depth < MAX_DEPTH) for (const b of s.boundaries) boundaries.push({ label: `${name}.${b.label}`, value: { name, value: b.value } });
    }
    return {
      minimal,
      full,
      boundaries: boundaries.map((b) => {
        const { name, value } = b.value as { name: string; value: unknown };
        return { label: b.label, value: { ...minimal, [name]: value } };
      }),
    };
  }
}

function numberSamples(schema: SchemaObject, integer: boolean, where: string): SchemaSamples {
  const num = (k: string): number | undefined => (typeof schema[k] === "number" ? (schema[k] as number) : undefined);
  const step = integer ? 1 : 0.5;
  const exMin = num("exclusiveMinimum");
  const exMax = num("exclusiveMaximum");
  let lo = num("minimum") ?? (exMin === undefined ? undefined : integer ? Math.floor(exMin) + 1 : exMin + step);
  let hi = num("maximum") ?? (exMax === undefined ? undefined : integer ? Math.ceil(exMax) - 1 : exMax - step);
  if (integer) {
    lo = lo === undefined ? undefined : Math.ceil(lo);
    hi = hi === undefined ? undefined : Math.floor(hi);
  }
  const multipleOf = num("multipleOf");
  const fit = (v: number): number | undefined => {
    let x = v;
    if (lo !== undefined && x < lo) x = lo;
    if (hi !== undefined && x > hi) x = hi;
    if (multipleOf !== undefined) {
      x = Math.ceil(x / multipleOf) * multipleOf;
      if (hi !== undefined && x > hi) x = Math.floor(hi / multipleOf) * multipleOf;
    }
    return (lo !== undefined && x < lo) || (hi !== undefined && x > hi) ? undefined : x;
  };
  const minimal = fit(0);
  if (minimal === undefined) throw cannot(where, `no ${integer ? "integer" : "number"} within the bounds`);
  const boundaries: SchemaSample[] = [];
  const add = (label: string, v: number | undefined): void => {
    if (v !== undefined && v === fit(v)) boundaries.push({ label, value: v });
  };
  if (lo !== undefined) add(schema["minimum"] !== undefined ? "minimum" : "exclusiveMinimum", fit(lo));
  if (hi !== undefined) add(schema["maximum"] !== undefined ? "maximum" : "exclusiveMaximum", fit(hi));
  if (lo === undefined) add("negative", -7);
  add("zero", 0);
  if (hi === undefined) add("large", integer ? 2 ** 40 : 1e15);
  if (!integer) add("fraction", (lo ?? 0) + 0.25);
  return { minimal, full: fit(integer ? 2 : 2.5) ?? minimal, boundaries };
}

function stringSamples(schema: SchemaObject, where: string): SchemaSamples {
  const format = typeof schema["format"] === "string" ? schema["format"] : undefined;
  if (schema["pattern"] !== undefined) throw cannot(where, "a string with a `pattern` is not generated (give the schema `examples`)");
  if (format !== undefined) {
    const value = FORMAT_VALUES[format];
    if (value === undefined) throw cannot(where, `a string of format ${JSON.stringify(format)} is not generated (give the schema \`examples\`)`);
    return { minimal: value, full: value, boundaries: [] };
  }
  const minLength = typeof schema["minLength"] === "number" ? schema["minLength"] : 0;
  const maxLength = typeof schema["maxLength"] === "number" ? schema["maxLength"] : undefined;
  if (maxLength !== undefined && maxLength < minLength) throw cannot(where, "maxLength is below minLength");
  const sized = (text: string): string => {
    const chars = [...text];
    while (chars.length < minLength) chars.push("a");
    return chars.slice(0, maxLength ?? chars.length).join("");
  };
  const boundaries: SchemaSample[] = [];
  boundaries.push({ label: schema["minLength"] === undefined ? "empty" : "minLength", value: "a".repeat(minLength) });
  if (maxLength !== undefined && maxLength > minLength && maxLength <= 10_000) boundaries.push({ label: "maxLength", value: "z".repeat(maxLength) });
  if ((maxLength ?? 3) >= 3) boundaries.push({ label: "unicode", value: sized("é✓😀") });
  return { minimal: "a".repeat(Math.max(minLength, maxLength === 0 ? 0 : 1)), full: sized("text"), boundaries };
}

/** The type a schema without `type` means by its keywords (undefined: any value). */
function inferType(schema: SchemaObject): string | undefined {
  if ("properties" in schema || "required" in schema || "additionalProperties" in schema) return "object";
  if ("items" in schema || "prefixItems" in schema || "minItems" in schema) return "array";
  if ("minLength" in schema || "maxLength" in schema || "format" in schema || "pattern" in schema) return "string";
  if ("minimum" in schema || "maximum" in schema || "exclusiveMinimum" in schema || "exclusiveMaximum" in schema || "multipleOf" in schema) return "number";
  return undefined;
}

function distinct(values: readonly unknown[]): unknown[] {
  const seen = new Set<string>();
  return values.filter((v) => {
    const key = JSON.stringify(v);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** An enum value as a label: a string as is, anything else as JSON; `/` (the case-name separator) escaped. */
function labelOf(value: unknown): string {
  return (typeof value === "string" ? value : JSON.stringify(value)).replace(/\//g, "%2F").slice(0, 40);
}

function cannot(where: string, why: string): CeleryProtoError {
  return new CeleryProtoError("InvalidOption", `--catalog: ${where}: cannot generate a value: ${why}`);
}
