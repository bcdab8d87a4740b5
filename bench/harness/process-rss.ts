import { readdirSync, readFileSync } from "node:fs";

/** Resident memory of a process and all its descendants (`VmRSS` of /proc/<pid>/status, summed), in MB. */
export function processTreeRssMb(pid: number): number {
  let kb = 0;
  for (const p of processTree(pid)) {
    try {
      const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, "utf8"));
      kb += Number(m?.[1] ?? 0);
    } catch {
      // exited between the listing and the read
    }
  }
  return kb / 1024;
}

/** The process and all its descendants, from /proc. */
export function processTree(pid: number): number[] {
  return [pid, ...descendants(pid, parentsByPid())];
}

function parentsByPid(): Map<number, number> {
  const parents = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // The command name may hold spaces and parentheses: the fields after its last ")" are "state ppid ...".
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // exited
    }
  }
  return parents;
}

function descendants(pid: number, parents: ReadonlyMap<number, number>): number[] {
  const out: number[] = [];
  for (const [child, parent] of parents) if (parent === pid) out.push(child, ...descendants(child, parents));
  return out;
}
