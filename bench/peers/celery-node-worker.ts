// celery-node's worker as its README runs it, with one change: its results are not stored. celery-node has no
// ignore_result, and every other contender drains `ignore_result` tasks, so storeResult is replaced by a no-op.
// Usage: node --import tsx bench/peers/celery-node-worker.ts <broker-url> <queue> <result-backend-url>
import celeryNode from "celery-node";

const [broker, queue, backend] = process.argv.slice(2) as [string, string, string];
const worker = celeryNode.createWorker(broker, backend, queue);
worker.backend.storeResult = async () => undefined;
worker.register("conformance.noop", () => null);
await worker.isReady();
console.log("ready.");
// Each task logs "celery.node Task conformance.noop[id] succeeded in ..." (console.info): the harness counts those.
await worker.start();
