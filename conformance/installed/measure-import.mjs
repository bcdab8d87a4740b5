// Prints, as JSON, the JavaScript that `import { <names> } from "<specifier>"` makes Node load: every script file
// (ESM and CommonJS, the package's and its dependencies') with its size in bytes, as V8's debugger reports each
// script it compiles. Run it from the project that has the package installed:
//   node measure-import.mjs celery-proto createClient   (conformance/tests/installed-package.test.ts copies it there)
import { Session } from "node:inspector";
import { fileURLToPath } from "node:url";

const [specifier, ...names] = process.argv.slice(2);
if (specifier === undefined) {
  console.error("usage: node measure-import.mjs <specifier> [export names...]");
  process.exit(2);
}
const session = new Session();
session.connect();
const scripts = new Map();
session.on("Debugger.scriptParsed", ({ params }) => {
  const url = params.url;
  if (!url.startsWith("file:") && !url.startsWith("/")) return; // node: internals and eval'd code
  const file = url.startsWith("file:") ? fileURLToPath(url) : url;
  if (file === fileURLToPath(import.meta.url)) return;
  scripts.set(file, Math.max(scripts.get(file) ?? 0, params.length));
});
session.post("Debugger.enable");
const loaded = await import(specifier);
for (const name of names) if (!(name in loaded)) throw new Error(`${specifier} has no export ${name}`);
session.post("Debugger.disable");
session.disconnect();
const files = [...scripts].map(([file, bytes]) => ({ file, bytes })).sort((a, b) => b.bytes - a.bytes);
console.log(JSON.stringify({ specifier, names, bytes: files.reduce((sum, f) => sum + f.bytes, 0), files }));
