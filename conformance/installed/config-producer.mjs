// A producer on a Celery project's configuration: node config-producer.mjs <config file>
import { createClient } from "celery-proto";
import { loadCeleryConfig } from "celery-proto/config";

const [file] = process.argv.slice(2);
const { settings } = await loadCeleryConfig({ file });
const client = await createClient({ config: file });
try {
  // Routed by the configuration's task_routes (a glob) to the push queue, as the Python app routes it.
  const result = await client.enqueue("routing_project.tasks.push_notify", ["from the SDK"]);
  console.log(JSON.stringify({ defaultQueue: settings.task_default_queue, value: await result.get({ timeoutMs: 30_000 }) }));
} finally {
  await client.close();
}
