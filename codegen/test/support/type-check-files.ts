import path from "node:path";
import ts from "typescript";

const ROOT = path.resolve(import.meta.dirname, "../../..");

/** Type-checks `files` (with this repo's strict settings) in one program; its diagnostics, for type-level tests. */
export function typeCheckFiles(files: readonly string[]): readonly ts.Diagnostic[] {
  const program = ts.createProgram([...files], {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: ["node"],
    typeRoots: [path.join(ROOT, "node_modules/@types")],
  });
  return ts.getPreEmitDiagnostics(program);
}
