import type { ScalarTag, Tags } from "yaml";
import { CeleryProtoError } from "../../errors/celery-proto-error.js";
import { yamlModule } from "./lazy-codec-modules.js";

const BOOL_TAG = "tag:yaml.org,2002:bool";
const FLOAT_TAG = "tag:yaml.org,2002:float";

/** PyYAML's resolver (yaml/resolver.py) takes only these plain scalars as booleans; YAML 1.1 also has y/Y/n/N. */
const PYYAML_BOOLEANS: readonly ScalarTag[] = [
  { tag: BOOL_TAG, default: true, test: /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$/, resolve: () => true },
  { tag: BOOL_TAG, default: true, test: /^(?:no|No|NO|false|False|FALSE|off|Off|OFF)$/, resolve: () => false },
];

/**
 * PyYAML's float resolver: a dot is required (`1e3` is a string), an exponent needs its sign (`1.0e3` is a string),
 * `.nan` has no sign. Constructed as PyYAML's `construct_yaml_float` (underscores dropped, base 60 after colons).
 */
const PYYAML_FLOAT: ScalarTag = {
  tag: FLOAT_TAG,
  default: true,
  test: /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
  resolve: (text: string): number => {
    let value = text.replaceAll("_", "").toLowerCase();
    const sign = value.startsWith("-") ? -1 : 1;
    if (value.startsWith("-") || value.startsWith("+")) value = value.slice(1);
    if (value === ".inf") return sign * Number.POSITIVE_INFINITY;
    if (value === ".nan") return Number.NaN;
    if (value.includes(":")) return sign * value.split(":").reduce((total, part) => total * 60 + Number.parseFloat(part), 0);
    return sign * Number.parseFloat(value);
  },
};

/**
 * Parses a YAML body as PyYAML's `yaml.safe_load` (kombu's yaml serializer) reads it: YAML 1.1 with PyYAML's
 * resolvers for booleans (a plain `y` or `n` is a string: PyYAML writes `{n: None}` with the key unquoted) and floats.
 * Refused with `DecodeError`: a tag safe_load has no constructor for (`!!python/object...`: safe_load raises
 * ConstructorError; the yaml library would only warn and drop the tag), and an alias inside its own anchor
 * (`&a [*a]`: a recursive list Python can hold but no message value can be).
 */
export function parsePyYaml(text: string): unknown {
  const depth = flowNestingDepth(text);
  if (depth > MAX_FLOW_DEPTH) {
    throw new CeleryProtoError(
      "DecodeError",
      `invalid YAML body: flow collections nested more than ${MAX_FLOW_DEPTH} levels deep (PyYAML's composer recurses too)`,
    );
  }
  const doc = yamlModule().parseDocument(text, {
    logLevel: "silent",
    version: "1.1",
    intAsBigInt: false,
    uniqueKeys: false,
    customTags: (tags: Tags) => [...tags.filter((t) => typeof t === "string" || (t.tag !== BOOL_TAG && t.tag !== FLOAT_TAG)), ...PYYAML_BOOLEANS, PYYAML_FLOAT],
  });
  const problem = doc.errors[0] ?? doc.warnings.find((w) => w.code === "TAG_RESOLVE_FAILED");
  if (problem !== undefined) throw new CeleryProtoError("DecodeError", `invalid YAML body: ${problem.message.split("\n")[0]}`, { cause: problem });
  const value: unknown = doc.toJS({ maxAliasCount: 100 });
  if (isRecursive(value)) throw new CeleryProtoError("DecodeError", "invalid YAML body: an alias refers to a node that contains it (a recursive value)");
  return value;
}

/**
 * How deep `[`/`{` nest outside quoted scalars and comments. Checked before parsing because the yaml library, given
 * thousands of unclosed `[`, runs out of memory compiling a regular expression (a fatal error, not an exception) —
 * a 4,000-byte body killed the process. PyYAML refuses deep documents too (RecursionError in its composer).
 */
const MAX_FLOW_DEPTH = 256;

function flowNestingDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote !== null) {
      if (c === "\\" && quote === '"') i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === "#" && (i === 0 || text[i - 1] === " " || text[i - 1] === "\n")) {
      const end = text.indexOf("\n", i);
      i = end === -1 ? text.length : end;
    } else if (c === "[" || c === "{") max = Math.max(max, ++depth);
    else if ((c === "]" || c === "}") && depth > 0) depth--;
  }
  return max;
}

/** Whether a container holds itself; iterative, so deep documents cannot overflow the stack here. */
function isRecursive(root: unknown): boolean {
  const onPath = new Set<object>();
  const stack: { value: unknown; leaving: boolean }[] = [{ value: root, leaving: false }];
  while (stack.length > 0) {
    const { value, leaving } = stack.pop() as { value: unknown; leaving: boolean };
    if (typeof value !== "object" || value === null || value instanceof Uint8Array || value instanceof Date) continue;
    if (leaving) {
      onPath.delete(value);
      continue;
    }
    if (onPath.has(value)) return true;
    onPath.add(value);
    stack.push({ value, leaving: true });
    const children = value instanceof Map ? [...value.keys(), ...value.values()] : value instanceof Set ? [...value] : Object.values(value);
    for (const child of children) stack.push({ value: child, leaving: false });
  }
  return false;
}
