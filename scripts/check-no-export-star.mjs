// Fails when a hand-written source file uses `export *` (the public surface is explicit).
import { spawnSync } from "node:child_process";
const r = spawnSync("git", ["grep", "-n", "-E", "^export \\* from", "--", "sdk/src", "worker", "cli/src", ":!**/gen/**"], { encoding: "utf8" });
if (r.status === 0) {
  console.error(`export * is not allowed outside gen/:\n${r.stdout}`);
  process.exit(1);
}
