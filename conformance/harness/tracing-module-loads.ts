// Prints, as JSON, whether @opentelemetry/api was loaded after a client and a worker ran a task on the in-memory
// broker: `node --import tsx tracing-module-loads.ts <on|off>`.
import { createRequire } from "node:module";
import { createClient } from "../../sdk/src/client/create-client.js";
import { MemoryTransport } from "../../sdk/src/transport/memory/memory-transport.js";
import { createWorker } from "../../worker/src/create-worker.js";

const tracing = process.argv[2] === "on";
const transport = new MemoryTransport();
const worker = createWorker({
  broker: transport,
  backend: null,
  pool: "async",
  control: false,
  heartbeat: false,
  mingle: false,
  logLevel: "CRITICAL",
  tracing,
});
let done: () => void = () => undefined;
const ran = new Promise<void>((resolve) => (done = resolve));
worker.registry.register("t.noop", () => done());
await worker.start();
const client = await createClient({ broker: transport, backend: null, tracing });
await client.enqueue("t.noop");
await ran;
await worker.stop();
const loaded = Object.keys(createRequire(import.meta.url).cache).some((f) => f.includes("/node_modules/@opentelemetry/"));
process.stdout.write(`${JSON.stringify({ loaded })}\n`);
process.exit(0);
