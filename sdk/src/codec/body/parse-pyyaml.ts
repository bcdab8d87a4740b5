import type { ScalarTag, Tags } from "yaml";
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
 */
export function parsePyYaml(text: string): unknown {
  return yamlModule().parse(text, {
    version: "1.1",
    intAsBigInt: false,
    uniqueKeys: false,
    customTags: (tags: Tags) => [...tags.filter((t) => typeof t === "string" || (t.tag !== BOOL_TAG && t.tag !== FLOAT_TAG)), ...PYYAML_BOOLEANS, PYYAML_FLOAT],
  });
}
