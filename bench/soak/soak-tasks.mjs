// Task module of the soak (bench/soak/run.ts): each execution appends one line to the ledger file before the task
// returns, so a line written and then lost to a SIGKILL before the ack shows up as a duplicate, never as a loss.
import { appendFileSync } from "node:fs";

const ledger = process.env.SOAK_LEDGER;
if (ledger === undefined) throw new Error("soak-tasks.mjs: set SOAK_LEDGER to the ledger file");

export const tasks = {
  "soak.record": async ([n, workMs], _kwargs, ctx) => {
    // A little work, so that some SIGKILLs land while a task runs and some between its end and its ack.
    if (workMs > 0) await new Promise((resolve) => setTimeout(resolve, workMs));
    appendFileSync(ledger, `${n} ${ctx.request.id} ${process.pid} ${Date.now()}\n`);
    return null;
  },
};
