// Runs a `proto` command from source (under tsx), as `bin/proto.js` runs the built one: `node --import tsx
// conformance/harness/run-proto-cli.ts worker -A ...`. Tests spawn real worker processes this way.
import path from "node:path";
import { handle } from "@oclif/core";
import { COMMANDS } from "../../cli/src/commands.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const [id, ...argv] = process.argv.slice(2);
const command = COMMANDS[id as keyof typeof COMMANDS];
if (command === undefined) {
  process.stderr.write(`unknown command ${String(id)}; known: ${Object.keys(COMMANDS).join(", ")}\n`);
  process.exit(2);
}
await command.run(argv, ROOT).catch(handle);
