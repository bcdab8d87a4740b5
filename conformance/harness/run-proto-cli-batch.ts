// Runs several `proto` commands one after another in ONE process (from source, under tsx), capturing each one's
// stdout, stderr and exit code, and prints them as a JSON list: `node --import tsx run-proto-cli-batch.ts
// '[["inspect","ping","--json"], ...]'`. A test that needs many short CLI runs pays Node's start-up once.
import path from "node:path";
import { COMMANDS } from "../../cli/src/commands.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const batch = JSON.parse(process.argv[2] ?? "[]") as string[][];
const results: { code: number; stdout: string; stderr: string }[] = [];
const realOut = process.stdout.write.bind(process.stdout);
const realErr = process.stderr.write.bind(process.stderr);

for (const [id, ...argv] of batch) {
  let stdout = "";
  let stderr = "";
  let code = 0;
  process.stdout.write = ((chunk: string | Uint8Array) => {
    stdout += chunk.toString();
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += chunk.toString();
    return true;
  }) as typeof process.stderr.write;
  try {
    const command = COMMANDS[id as keyof typeof COMMANDS];
    if (command === undefined) throw new Error(`unknown command ${String(id)}`);
    await command.run(argv, ROOT);
  } catch (e) {
    // oclif's `this.exit(n)` throws an ExitError carrying the code.
    const exit = (e as { oclif?: { exit?: number } }).oclif?.exit;
    code = typeof exit === "number" ? exit : 1;
    if (typeof exit !== "number") stderr += `${String((e as Error).stack ?? e)}\n`;
  } finally {
    process.stdout.write = realOut;
    process.stderr.write = realErr;
  }
  results.push({ code, stdout, stderr });
}
realOut(`${JSON.stringify(results)}\n`);
process.exit(0);
