// Fails when imports form a cycle across folders of the hand-written sources (sdk/src, worker/src, cli/src, codegen/src).
// Two checks over the runtime import graph (type-only imports are erased by the compiler and do not count; dynamic
// `import()` does):
//   1. folders: no cycle between folders where neither contains the other (e.g. worker/src/pool ⇄ worker/src/execution).
//      A folder's own files may import from its ancestors and its subfolders (a parent's index or factory imports its
//      children, children import the parent's shared types), so parent/child edges are left out of this graph;
//   2. files: no file-level cycle whose files lie in more than one folder (this catches parent ⇄ child cycles).
// Cycles inside one folder (mutually recursive modules such as sdk/src/canvas) are allowed. Generated code (gen/) is skipped.
// Usage: node scripts/check-import-cycles.mjs [--root DIR] [folder...]   (folders relative to the root; default the four above)
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const DEFAULT_FOLDERS = ["sdk/src", "worker/src", "cli/src", "codegen/src"];
const SOURCE = /\.(ts|mts|tsx)$/;

function parseArgs(argv) {
  let root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
  const folders = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--root") root = path.resolve(argv[++i] ?? ".");
    else folders.push(argv[i]);
  }
  return { root, folders: folders.length > 0 ? folders : DEFAULT_FOLDERS };
}

function listSources(root, folder) {
  let entries;
  try {
    entries = readdirSync(path.join(root, folder));
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const rel = path.posix.join(folder, name);
    if (statSync(path.join(root, rel)).isDirectory()) return name === "gen" || name === "node_modules" ? [] : listSources(root, rel);
    return SOURCE.test(name) && !name.endsWith(".d.ts") ? [rel] : [];
  });
}

/** The relative specifiers a file loads at run time: value imports and re-exports, and `import("...")` with a literal. */
function runtimeSpecifiers(file, text) {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false);
  const specs = [];
  const visit = (node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier) && !node.importClause?.isTypeOnly) specs.push(node.moduleSpecifier.text);
    else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier) && !node.isTypeOnly)
      specs.push(node.moduleSpecifier.text);
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      if (arg !== undefined && ts.isStringLiteralLike(arg)) specs.push(arg.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return specs.filter((s) => s.startsWith("./") || s.startsWith("../"));
}

function resolveSpecifier(from, spec, known) {
  const target = path.posix.normalize(path.posix.join(path.posix.dirname(from), spec));
  const candidates = [target, target.replace(/\.js$/, ".ts"), target.replace(/\.mjs$/, ".mts"), target.replace(/\.js$/, ".tsx")];
  return candidates.find((c) => known.has(c)) ?? null;
}

/** Strongly connected components with more than one node (Tarjan, iterative). */
function cyclicComponents(edges) {
  const index = new Map();
  const low = new Map();
  const onStack = new Set();
  const stack = [];
  const out = [];
  let next = 0;
  for (const start of edges.keys()) {
    if (index.has(start)) continue;
    const work = [[start, [...(edges.get(start) ?? [])], 0]];
    index.set(start, next);
    low.set(start, next++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const [v, succ] = frame;
      if (frame[2] < succ.length) {
        const w = succ[frame[2]++];
        if (!index.has(w)) {
          index.set(w, next);
          low.set(w, next++);
          stack.push(w);
          onStack.add(w);
          work.push([w, [...(edges.get(w) ?? [])], 0]);
        } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1][0];
        low.set(parent, Math.min(low.get(parent), low.get(v)));
      }
      if (low.get(v) === index.get(v)) {
        const component = [];
        let w;
        do {
          w = stack.pop();
          onStack.delete(w);
          component.push(w);
        } while (w !== v);
        if (component.length > 1) out.push(component.sort());
      }
    }
  }
  return out;
}

/** One concrete cycle through `start` inside `members` (breadth-first back to start), for the message. */
function cycleThrough(start, edges, members) {
  const previous = new Map();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift();
    for (const w of edges.get(v) ?? []) {
      if (!members.has(w)) continue;
      if (w === start) {
        const pathBack = [v];
        while (pathBack[0] !== start) pathBack.unshift(previous.get(pathBack[0]));
        return [...pathBack, start];
      }
      if (!previous.has(w)) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start];
}

export function findCrossFolderCycles(root, folders) {
  const files = folders.flatMap((folder) => listSources(root, folder));
  const known = new Set(files);
  const fileEdges = new Map(files.map((f) => [f, new Set()]));
  for (const file of files) {
    for (const spec of runtimeSpecifiers(file, readFileSync(path.join(root, file), "utf8"))) {
      const target = resolveSpecifier(file, spec, known);
      if (target !== null && target !== file) fileEdges.get(file).add(target);
    }
  }
  const problems = [];
  for (const component of cyclicComponents(fileEdges)) {
    const dirs = new Set(component.map((f) => path.posix.dirname(f)));
    if (dirs.size < 2) continue;
    const cycle = cycleThrough(component[0], fileEdges, new Set(component));
    problems.push(`import cycle across folders ${[...dirs].sort().join(", ")}:\n    ${cycle.join("\n    -> ")}`);
  }
  const contains = (outer, inner) => inner.startsWith(`${outer}/`);
  const folderEdges = new Map();
  const witnesses = new Map();
  for (const [file, targets] of fileEdges) {
    for (const target of targets) {
      const a = path.posix.dirname(file);
      const b = path.posix.dirname(target);
      if (a === b || contains(a, b) || contains(b, a)) continue;
      if (!folderEdges.has(a)) folderEdges.set(a, new Set());
      folderEdges.get(a).add(b);
      const key = `${a}\0${b}`;
      if (!witnesses.has(key)) witnesses.set(key, []);
      witnesses.get(key).push(`${file} -> ${target}`);
    }
  }
  for (const component of cyclicComponents(folderEdges)) {
    const lines = [];
    for (const a of component) for (const b of component) for (const w of witnesses.get(`${a}\0${b}`) ?? []) lines.push(w);
    problems.push(`folders import each other: ${component.join(" <-> ")}\n    ${lines.sort().join("\n    ")}`);
  }
  return { files: files.length, problems };
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { root, folders } = parseArgs(process.argv.slice(2));
  const { files, problems } = findCrossFolderCycles(root, folders);
  if (files === 0) {
    console.error(`no source files under ${folders.join(", ")} (root ${root})`);
    process.exit(2);
  }
  if (problems.length > 0) {
    console.error(`${problems.length} import cycle(s) across folders (move a module to the folder it belongs to, or depend on an interface):\n`);
    console.error(problems.join("\n\n"));
    process.exit(1);
  }
  console.log(`no import cycles across folders (${files} files under ${folders.join(", ")})`);
}
