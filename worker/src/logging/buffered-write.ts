/** Writers holding text not yet written, flushed at process exit. */
const unflushed = new Set<() => void>();
let exitHooked = false;

/**
 * A `write` for the logger that gathers the records of one event-loop turn into one write: a busy worker logs two
 * lines per task, and one synchronous pipe write per line costs more than the task. Pending text is flushed on the
 * next turn, when it passes `maxBuffered` characters, and at process exit.
 */
export function createBufferedWrite(stream: NodeJS.WritableStream, maxBuffered = 64 * 1024): (text: string) => void {
  let pending = "";
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    unflushed.delete(flush);
    if (pending === "") return;
    const text = pending;
    pending = "";
    stream.write(text);
  };
  return (text: string): void => {
    pending += text;
    if (pending.length >= maxBuffered) return flush();
    if (scheduled) return;
    scheduled = true;
    unflushed.add(flush);
    if (!exitHooked) {
      exitHooked = true;
      process.once("exit", () => {
        for (const f of [...unflushed]) f();
      });
    }
    setImmediate(flush);
  };
}
