import path from "node:path";
import { generateCatalog } from "../catalog/generate-catalog.js";
import { writeCatalogOutput } from "../catalog/write-catalog-output.js";
import { CATALOG_TARGETS } from "../config/catalog-targets.js";
import { resolveCodegenPaths } from "../config/codegen-paths.js";
import { checkGenerated } from "../output/check-generated.js";
import { writeGeneratedFiles } from "../output/write-generated-files.js";
import { generateAll } from "../pipeline/generate-all.js";
import { GENERATE_USAGE, parseGenerateArgs, type GenerateArgs } from "./parse-generate-args.js";

/** Entry point of `npm run generate` and `npm run generate:check`; returns the exit code. */
async function runGenerate(argv: readonly string[]): Promise<number> {
  let args: GenerateArgs;
  try {
    args = parseGenerateArgs(argv);
  } catch (error) {
    console.error(`generate: ${error instanceof Error ? error.message : String(error)}\n\n${GENERATE_USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(GENERATE_USAGE);
    return 0;
  }
  const paths = resolveCodegenPaths(process.cwd());
  const files = await generateAll(paths);
  const catalogDrift = await generateCatalogTargets(paths.repoRoot, args.check);
  if (args.check) {
    const result = await checkGenerated(paths, files);
    if (catalogDrift.length > 0) {
      console.error(`generate:check: ${catalogDrift.length} generated catalog file(s) differ from what \`npm run generate\` produces:`);
      for (const line of catalogDrift) console.error(`  changed  ${line}`);
      return 1;
    }
    if (result.differences.length === 0) {
      console.log(`generate:check: ${result.fileCount} files up to date`);
      return 0;
    }
    const kindWidth = Math.max(...result.differences.map((difference) => difference.kind.length));
    console.error(`generate:check: ${result.differences.length} generated file(s) differ from what \`npm run generate\` produces:`);
    for (const difference of result.differences) {
      console.error(`  ${difference.kind.padEnd(kindWidth)}  ${difference.path}  (${difference.hint})`);
    }
    console.error("Run `npm run generate` and commit the result (never edit files under sdk/src/gen by hand).");
    return 1;
  }
  const summary = await writeGeneratedFiles(paths, files);
  for (const file of summary.written) {
    console.log(`  wrote    ${file}`);
  }
  for (const file of summary.removed) {
    console.log(`  removed  ${file}`);
  }
  console.log(`generate: ${files.length} files (${summary.written.length} written, ${summary.unchanged.length} unchanged, ${summary.removed.length} removed)`);
  return 0;
}

/** Regenerates the example task catalogs (`proto generate`); with `check`, returns the differences instead. */
async function generateCatalogTargets(repoRoot: string, check: boolean): Promise<string[]> {
  const drift: string[] = [];
  for (const target of CATALOG_TARGETS) {
    const outDir = path.join(repoRoot, target.out);
    const files = await generateCatalog({
      catalog: path.join(repoRoot, target.catalog),
      outDir,
      runtime: target.runtime,
      ...(target.protoRoot === undefined ? {} : { protoRoot: path.join(repoRoot, target.protoRoot) }),
    });
    const summary = await writeCatalogOutput(outDir, files, check);
    drift.push(...summary.differences.map((difference) => `${target.out}/${difference}`));
    for (const name of summary.written) console.log(`  wrote    ${target.out}/${name}`);
  }
  return drift;
}

runGenerate(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`generate: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 2;
  },
);
