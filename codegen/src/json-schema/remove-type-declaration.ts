import ts from "typescript";

/**
 * Removes the top-level type or interface declaration named `name` (with its leading comments)
 * from a TS module. Throws if there is not exactly one such declaration.
 */
export function removeTypeDeclaration(source: string, name: string): string {
  const file = ts.createSourceFile("types.ts", source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const matches = file.statements.filter(
    (statement) => (ts.isTypeAliasDeclaration(statement) || ts.isInterfaceDeclaration(statement)) && statement.name.text === name,
  );
  const [match] = matches;
  if (match === undefined || matches.length !== 1) {
    throw new Error(`expected exactly one declaration of ${name} in the json-schema-to-typescript output, found ${matches.length}`);
  }
  return `${source.slice(0, match.getFullStart())}${source.slice(match.getEnd())}`.replace(/^\n+/, "");
}
