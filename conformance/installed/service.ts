// Calls the worker through the client `proto generate` wrote: node service.js (tsc writes it next to this file) <broker> <backend> <queue>
import { bindTasks, createClient } from "celery-proto";
import { tasks } from "./gen/catalog_tasks.js";

const [broker, backend, queue] = process.argv.slice(2);
const client = await createClient({ broker: broker ?? "", backend: backend ?? "", defaultQueue: queue ?? "celery" });
try {
  const t = bindTasks(client, tasks);
  const sum: number = await (await t.add.delay(2, 3)).get({ timeoutMs: 30_000 });
  const shouted: string = await (await t.shout.delay("hey", 2)).get({ timeoutMs: 30_000 });
  let refused = "";
  try {
    await t.add.enqueue([2, 3.5] as unknown as [number, number]);
  } catch (error) {
    refused = (error as Error).message;
  }
  console.log(JSON.stringify({ sum, shouted, refused }));
} finally {
  await client.close();
}
