import { readFileSync } from "node:fs";
import path from "node:path";

/**
 * The node flags in `bin/proto.js`'s shebang (`#!/usr/bin/env -S node <flags>`) of the build under `root`, for the
 * scripts that start `node <flags> bin/proto.js ...` themselves (to add their own node flags) yet must run the worker
 * as the bin runs it.
 */
export function binNodeFlags(root: string): string[] {
  const shebang = readFileSync(path.join(root, "bin", "proto.js"), "utf8").split("\n", 1)[0] ?? "";
  const words = shebang.split(" ").filter((w) => w !== "");
  const node = words.indexOf("node");
  return node === -1 ? [] : words.slice(node + 1);
}
