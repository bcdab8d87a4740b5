import ts from "typescript";

/**
 * Checks the invariants of the generated types module: every expected name is exported exactly
 * once, nothing else is exported (json-schema-to-typescript renames clashing types to `Foo1`
 * silently; this turns that into an error), and no `any` appears anywhere.
 */
export function assertTypeExports(source: string, expectedNames: readonly string[]): void {
  const file = ts.createSourceFile("types.ts", source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const exported: string[] = [];
  for (const statement of file.statements) {
    const isExported = ts.canHaveModifiers(statement) && (ts.getModifiers(statement) ?? []).some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword);
    if (!isExported) {
      continue;
    }
    if (ts.isTypeAliasDeclaration(statement) || ts.isInterfaceDeclaration(statement) || ts.isEnumDeclaration(statement)) {
      exported.push(statement.name.text);
    } else {
      throw new Error(`unexpected exported ${ts.SyntaxKind[statement.kind]} in the generated types: ${statement.getText(file).slice(0, 80)}`);
    }
  }
  const problems: string[] = [];
  const counts = new Map<string, number>();
  for (const name of exported) {
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  for (const [name, count] of counts) {
    if (count > 1) {
      problems.push(`${name} is declared ${count} times`);
    }
  }
  const expected = new Set(expectedNames);
  for (const name of expected) {
    if (!counts.has(name)) {
      problems.push(`${name} is not exported`);
    }
  }
  for (const name of counts.keys()) {
    if (!expected.has(name)) {
      problems.push(`${name} is exported but is no schema title (a renamed duplicate or an untitled schema json-schema-to-typescript named itself)`);
    }
  }
  const visit = (node: ts.Node): void => {
    if (node.kind === ts.SyntaxKind.AnyKeyword) {
      const { line } = file.getLineAndCharacterOfPosition(node.getStart(file));
      problems.push(`"any" at line ${line + 1}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  if (problems.length > 0) {
    throw new Error(`generated types violate the generator's invariants:\n  ${problems.join("\n  ")}`);
  }
}
