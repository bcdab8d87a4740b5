import type { ChildProcess } from "node:child_process";
import { processTree } from "./process-rss.js";

/**
 * SIGTERM, then SIGKILL to the process and its descendants if it has not exited within `graceMs`. It is only used once
 * the measurement is over: Celery's solo and threads pools on RabbitMQ take ~10 s to finish a warm shutdown (SIGQUIT
 * too), which would add minutes to every run without changing a figure.
 */
export async function stopProcessTree(child: ChildProcess, exited: Promise<unknown>, graceMs = 3000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const tree = processTree(child.pid);
  child.kill("SIGTERM");
  const timer = setTimeout(() => {
    for (const pid of [...tree, ...(child.pid === undefined ? [] : processTree(child.pid))]) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  }, graceMs);
  await exited;
  clearTimeout(timer);
}
