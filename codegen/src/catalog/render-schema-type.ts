import type { JsonSchema } from "./task-catalog-model.js";

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const DEFS_REF = /^#\/\$defs\/([A-Za-z_$][A-Za-z0-9_$]*)$/;

/**
 * The TypeScript type of the JSON values a schema accepts, for the subset catalogs use: `type` (one or several),
 * `const`, `enum`, `anyOf`/`oneOf` (unions), `allOf` (intersections), `$ref` to `#/$defs/<Name>` (the exported type
 * `<Name>`), arrays (`items`, `prefixItems`) and objects (`properties`, `required`, `additionalProperties`).
 * Keywords that only narrow values (`minimum`, `pattern`, ...) are left to the validators. Anything else is `unknown`.
 */
export function renderSchemaType(schema: JsonSchema, indent = ""): string {
  if (schema === true) return "unknown";
  if (schema === false) return "never";
  const parts: string[] = [];
  const ref = schema["$ref"];
  if (typeof ref === "string") {
    const match = DEFS_REF.exec(ref);
    parts.push(match?.[1] ?? "unknown");
  }
  if ("const" in schema) parts.push(JSON.stringify(schema["const"]));
  const enumValues = schema["enum"];
  if (Array.isArray(enumValues)) parts.push(enumValues.map((value) => JSON.stringify(value)).join(" | ") || "never");
  for (const keyword of ["anyOf", "oneOf"] as const) {
    const branches = schema[keyword];
    if (Array.isArray(branches)) parts.push(branches.map((branch) => wrap(renderSchemaType(branch as JsonSchema, indent))).join(" | "));
  }
  const allOf = schema["allOf"];
  if (Array.isArray(allOf)) parts.push(...allOf.map((branch) => wrap(renderSchemaType(branch as JsonSchema, indent))));
  // `const`/`enum` already name the exact values; a `type` beside them adds nothing a TS reader needs.
  const structural = "const" in schema || Array.isArray(enumValues) ? null : renderStructural(schema, indent);
  if (structural !== null) parts.push(structural);
  if (parts.length === 0) return "unknown";
  return parts.length === 1 ? (parts[0] as string) : parts.map(wrap).join(" & ");
}

function renderStructural(schema: { readonly [keyword: string]: unknown }, indent: string): string | null {
  const declared = schema["type"];
  const types = typeof declared === "string" ? [declared] : Array.isArray(declared) ? declared.filter((t): t is string => typeof t === "string") : [];
  if (types.length === 0) {
    if ("properties" in schema || "additionalProperties" in schema) types.push("object");
    else if ("items" in schema || "prefixItems" in schema) types.push("array");
    else return null;
  }
  const rendered = types.map((type) => {
    switch (type) {
      case "string":
        return "string";
      case "number":
      case "integer":
        return "number";
      case "boolean":
        return "boolean";
      case "null":
        return "null";
      case "array":
        return renderArray(schema, indent);
      case "object":
        return renderObject(schema, indent);
      default:
        return "unknown";
    }
  });
  return rendered.length === 1 ? (rendered[0] as string) : rendered.map(wrap).join(" | ");
}

function renderArray(schema: { readonly [keyword: string]: unknown }, indent: string): string {
  const items = schema["items"] as JsonSchema | undefined;
  const prefix = schema["prefixItems"];
  if (Array.isArray(prefix)) {
    const minItems = typeof schema["minItems"] === "number" ? schema["minItems"] : prefix.length;
    const elements = prefix.map((item, index) => `${renderSchemaType(item as JsonSchema, indent)}${index >= minItems ? "?" : ""}`);
    if (items !== false) elements.push(`...${wrap(renderSchemaType(items ?? true, indent))}[]`);
    return `[${elements.join(", ")}]`;
  }
  return `${wrap(renderSchemaType(items ?? true, indent))}[]`;
}

function renderObject(schema: { readonly [keyword: string]: unknown }, indent: string): string {
  const properties = (schema["properties"] ?? {}) as Readonly<Record<string, JsonSchema>>;
  const required = new Set(Array.isArray(schema["required"]) ? (schema["required"] as unknown[]) : []);
  const additional = (schema["additionalProperties"] ?? true) as JsonSchema;
  const inner = `${indent}  `;
  const lines: string[] = [];
  const propertyTypes: string[] = [];
  for (const [name, property] of Object.entries(properties)) {
    const type = renderSchemaType(property, inner);
    propertyTypes.push(type);
    const description = typeof property === "object" ? property["description"] : undefined;
    if (typeof description === "string") lines.push(`${inner}/** ${escapeComment(description)} */`);
    lines.push(`${inner}${IDENTIFIER.test(name) ? name : JSON.stringify(name)}${required.has(name) ? "" : "?"}: ${type};`);
  }
  if (additional !== false) {
    const extra = renderSchemaType(additional, inner);
    const index = propertyTypes.length === 0 || extra === "unknown" ? extra : [...new Set([extra, ...propertyTypes, "undefined"])].map(wrap).join(" | ");
    lines.push(`${inner}[key: string]: ${index};`);
  }
  return lines.length === 0 ? "{}" : `{\n${lines.join("\n")}\n${indent}}`;
}

/** Parenthesises a union or intersection so it can be an operand. */
function wrap(type: string): string {
  let depth = 0;
  let quoted = false;
  for (let index = 0; index < type.length; index++) {
    const char = type[index];
    if (quoted) {
      if (char === "\\") index++;
      else if (char === '"') quoted = false;
    } else if (char === '"') quoted = true;
    else if (char === "{" || char === "[" || char === "(") depth++;
    else if (char === "}" || char === "]" || char === ")") depth--;
    else if (depth === 0 && (char === "|" || char === "&")) return `(${type})`;
  }
  return type;
}

/** Text safe inside a `/** ... *\/` comment. */
export function escapeComment(text: string): string {
  return text.replace(/\*\//g, "*\\/").replace(/\n/g, " ");
}
