import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import { resolveCodegenPaths } from "../src/config/codegen-paths.js";
import { createAjv } from "../src/json-schema/create-ajv.js";
import { listNamedSchemas, type NamedSchema } from "../src/json-schema/list-named-schemas.js";
import { loadSchemas } from "../src/json-schema/load-schemas.js";
import { toValidatorName } from "../src/json-schema/render-validators-declaration.js";
import { VALIDATOR_MODULES } from "../src/config/validator-modules.js";
import { VALIDATORS_MODULE_PATH, validatorModulePath } from "../src/json-schema/generate-validators.js";
import { REPO_ROOT, repoPath } from "./support/repo.js";
import { WIRE_SAMPLES } from "./support/wire-samples.js";

/** The shape shared by ajv's live validate functions and the standalone ones. */
interface Validator {
  (data: unknown): boolean;
  errors?: ReadonlyArray<{ instancePath: string; schemaPath: string; keyword: string; params: Record<string, unknown>; message?: string }> | null;
}

const GENERIC_VALUES: readonly unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  256,
  "",
  "x",
  "😀",
  "2024-05-01T12:00:00+00:00",
  "d9b1f3a2-5a4e-4c1e-9b8f-2b1e5f0c9a7d",
  [],
  [null, null],
  [1, 2, 3],
  [[], {}, {}],
  {},
  { id: "x" },
  { ok: "pong" },
  { __type__: "datetime", __value__: "2024-05-01T12:00:00" },
  { exc_type: "ValueError" },
];

const REPLACEMENTS: readonly unknown[] = [null, 42, -1, "x", "", [], {}, true];

/** Invalid-leaning variants of a valid document: each key removed or replaced, each item dropped or replaced, one level deep. */
function deriveVariants(value: unknown): unknown[] {
  const variants: unknown[] = [];
  if (Array.isArray(value)) {
    variants.push(value.slice(0, -1), [...value, "extra"]);
    value.forEach((_item, index) => {
      for (const replacement of REPLACEMENTS) {
        variants.push(value.map((item, at) => (at === index ? replacement : item)));
      }
    });
  } else if (typeof value === "object" && value !== null) {
    const record = value as Record<string, unknown>;
    variants.push({ ...record, unexpected_key: 1 });
    for (const key of Object.keys(record)) {
      const { [key]: _removed, ...rest } = record;
      variants.push(rest);
      for (const replacement of REPLACEMENTS) {
        variants.push({ ...record, [key]: replacement });
      }
    }
  }
  return variants;
}

/** The error fields that must match exactly between live and standalone code. */
function summarizeErrors(validate: Validator): unknown {
  return (validate.errors ?? []).map(({ instancePath, schemaPath, keyword, params, message }) => ({ instancePath, schemaPath, keyword, params, message }));
}

/** A generated module and the validators it must export. */
interface GeneratedModule {
  readonly path: string;
  readonly names: readonly string[];
}

describe("standalone validators agree with live ajv", () => {
  let named: NamedSchema[] = [];
  let live: Map<string, Validator>;
  let modules: GeneratedModule[] = [];
  const loaded = new Map<string, Record<string, unknown>>();

  before(async () => {
    const schemas = await loadSchemas(resolveCodegenPaths(REPO_ROOT));
    named = listNamedSchemas(schemas);
    // The live validators compile the schema files as written (annotations and all), so agreement also shows that
    // stripping annotations and sharing subschemas changed nothing.
    const ajv = createAjv(schemas);
    live = new Map();
    for (const entry of named) {
      const validate = ajv.getSchema(entry.ref);
      assert.ok(validate, `live ajv has no schema for ${entry.ref}`);
      live.set(toValidatorName(entry), validate);
    }
    modules = [
      { path: VALIDATORS_MODULE_PATH, names: named.map(toValidatorName) },
      ...VALIDATOR_MODULES.map((module) => ({ path: validatorModulePath(module), names: module.schemas.map((name) => `validate${name}`) })),
    ];
    for (const module of modules) {
      loaded.set(module.path, (await import(pathToFileURL(repoPath(module.path)).href)) as Record<string, unknown>);
    }
  });

  function standaloneValidator(name: string, modulePath: string = VALIDATORS_MODULE_PATH): Validator {
    const validate = loaded.get(modulePath)?.[name];
    assert.equal(typeof validate, "function", `${modulePath} does not export ${name}`);
    return validate as Validator;
  }

  it("exports one validator per named schema from validators.js, and exactly its list from each runtime module", () => {
    assert.ok(named.length > 0);
    for (const module of modules) {
      assert.deepEqual(Object.keys(loaded.get(module.path) ?? {}).sort(), [...module.names].sort(), module.path);
    }
  });

  it("accepts the hand-written Celery samples, live and standalone", () => {
    for (const sample of WIRE_SAMPLES) {
      const liveValidate = live.get(sample.validator);
      assert.ok(liveValidate, `no validator ${sample.validator}`);
      assert.equal(liveValidate(sample.value), true, `live ${sample.validator} rejects ${sample.description}: ${JSON.stringify(liveValidate.errors)}`);
      for (const module of modules.filter((candidate) => candidate.names.includes(sample.validator))) {
        assert.equal(
          standaloneValidator(sample.validator, module.path)(sample.value),
          true,
          `${module.path} ${sample.validator} rejects ${sample.description}`,
        );
      }
    }
  });

  it("gives the same verdict and the same errors for every validator of every module on every sample and variant", () => {
    const corpus = [...GENERIC_VALUES, ...WIRE_SAMPLES.flatMap((sample) => [sample.value, ...deriveVariants(sample.value)])];
    let valid = 0;
    let invalid = 0;
    for (const module of modules) {
      for (const name of module.names) {
        const liveValidate = live.get(name);
        assert.ok(liveValidate, `no live validator ${name}`);
        const standaloneValidate = standaloneValidator(name, module.path);
        for (const value of corpus) {
          const liveVerdict: boolean = liveValidate(value);
          const liveErrors = summarizeErrors(liveValidate);
          const standaloneVerdict = standaloneValidate(value);
          const where = `${module.path} ${name}(${JSON.stringify(value)})`;
          assert.equal(standaloneVerdict, liveVerdict, `${where}: standalone ${standaloneVerdict}, live ${liveVerdict}`);
          assert.deepEqual(summarizeErrors(standaloneValidate), liveErrors, `${where}: errors differ`);
          if (liveVerdict) {
            valid++;
          } else {
            invalid++;
          }
        }
      }
    }
    // the corpus must exercise both outcomes heavily, or agreement proves little
    assert.ok(valid > 100, `only ${valid} valid verdicts`);
    assert.ok(invalid > 1000, `only ${invalid} invalid verdicts`);
  });

  it("rejects the derived variants that break a required property of task headers", () => {
    const validate = standaloneValidator("validateTaskHeadersV2");
    const headers = WIRE_SAMPLES.find((sample) => sample.validator === "validateTaskHeadersV2")?.value as Record<string, unknown>;
    const { id: _id, ...withoutId } = headers;
    assert.equal(validate(withoutId), false);
    assert.deepEqual(summarizeErrors(validate), [
      { instancePath: "", schemaPath: "#/required", keyword: "required", params: { missingProperty: "id" }, message: "must have required property 'id'" },
    ]);
    assert.equal(validate({ ...headers, task: "" }), false);
    assert.equal(validate.errors?.[0]?.keyword, "minLength");
  });
});
