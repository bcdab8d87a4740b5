import { spawnSync } from "node:child_process";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "../..");

/** Builds dist/ (what bin/proto.js and the package exports load) when it is missing or stale: scripts/setup/build.sh. */
export function ensureBuilt(): void {
  const build = spawnSync("bash", [path.join(ROOT, "scripts/setup/build.sh")], { cwd: ROOT, encoding: "utf8" });
  if (build.status !== 0) throw new Error(`building dist/ failed:\n${build.stdout}${build.stderr}`);
}
