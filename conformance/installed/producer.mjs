// A producer for Python workers: node producer.mjs <broker> <backend> <queue>
import { createClient, defineTask } from "celery-proto";

const [broker, backend, queue] = process.argv.slice(2);
const add = defineTask("conformance.add");
const client = await createClient({ broker, backend, defaultQueue: queue });
try {
  const result = await client.enqueue(add, [2, 3]);
  console.log(JSON.stringify({ id: result.id, value: await result.get({ timeoutMs: 30_000 }) }));
} finally {
  await client.close();
}
