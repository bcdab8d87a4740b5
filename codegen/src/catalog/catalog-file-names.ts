import type { CatalogTaskModel } from "./task-catalog-model.js";

/** The files `proto generate` writes for a catalog whose file name stem is `stem` (`catalog.json` → `catalog`). */
export interface CatalogFileNames {
  /** Types and task descriptors: `<stem>_tasks.ts`. */
  readonly tasks: string;
  /** ajv standalone validators: `<stem>_validators.js`. */
  readonly validators: string;
  /** Their declarations: `<stem>_validators.d.ts`. */
  readonly validatorsDeclaration: string;
}

export function catalogFileNames(stem: string): CatalogFileNames {
  return { tasks: `${stem}_tasks.ts`, validators: `${stem}_validators.js`, validatorsDeclaration: `${stem}_validators.d.ts` };
}

/** Export names of a task's two validators: `validateAddArguments`, `validateAddResult`. */
export function validatorNames(task: CatalogTaskModel): { readonly arguments: string; readonly result: string } {
  const pascal = task.exportName.replace(/^[_$]+/, "").replace(/^./, (c) => c.toUpperCase());
  return { arguments: `validate${pascal}Arguments`, result: `validate${pascal}Result` };
}
