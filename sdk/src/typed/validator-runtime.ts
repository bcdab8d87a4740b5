import ucs2lengthModule from "ajv/dist/runtime/ucs2length.js";
import equalModule from "ajv/dist/runtime/equal.js";
import validationErrorModule from "ajv/dist/runtime/validation_error.js";
import { fullFormats as ajvFullFormats } from "ajv-formats/dist/formats.js";
import type { StandaloneValidationError } from "./standalone-validator.js";

// The helpers ajv's standalone validators call at run time, for generated code (the SDK's own schema validators and
// `proto generate`'s `<stem>_validators.js`), which imports them from here (`celery-proto/validator-runtime`) instead of
// from ajv: a user's project depends on celery-proto, not on ajv. The codegen maps each `require()` ajv prints to one of
// these names (codegen/src/json-schema/rewrite-runtime-requires.ts) and refuses any other.

/** Length in Unicode code points, as `minLength`/`maxLength` count it. */
export const ucs2length: (value: string) => number = ucs2lengthModule.default;

/** Deep equality of JSON values, for `const`, `enum` and `uniqueItems`. */
// ajv declares it as `typeof import * as equal from "fast-deep-equal"`, a namespace type that TS does not see as callable.
export const equal = equalModule.default as unknown as (a: unknown, b: unknown) => boolean;

/** The error an `$async` schema's validator rejects with. */
export interface AsyncValidationError extends Error {
  readonly errors: readonly Partial<StandaloneValidationError>[];
  readonly validation: true;
}

/** Constructs {@link AsyncValidationError}s. */
export const ValidationError: new (errors: Partial<StandaloneValidationError>[]) => AsyncValidationError = validationErrorModule.default;

/** ajv-formats' checks by format name (`date-time`, `uuid`, `email`, ...), for `format`, `formatMinimum` and kin. */
export const fullFormats: Readonly<Record<string, unknown>> = ajvFullFormats;
