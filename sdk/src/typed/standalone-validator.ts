/** One error of an ajv validator, reduced to the fields the typed tasks read. */
export interface StandaloneValidationError {
  readonly instancePath: string;
  readonly keyword: string;
  readonly message?: string;
  readonly params: Readonly<Record<string, unknown>>;
}

/** An ajv standalone validate function as `proto generate` emits it (`allErrors`, errors left on the function). */
export interface StandaloneValidator {
  (data: unknown): boolean;
  errors?: readonly StandaloneValidationError[] | null;
}
