// The service of the typed-tasks example: enqueues Python tasks (typed.add, typed.mul, typed.describe_point) and
// TypeScript tasks (typed.shout, typed.stats) through the generated client, with checked argument and result types.
// Run: CELERY_BROKER_URL=redis://... CELERY_RESULT_BACKEND=redis://... npx tsx examples/typed/service.ts
import { bindTasks, createClient, type Client } from "../../sdk/src/index.js";
import { tasks, type Stats } from "./gen/catalog_tasks.js";

export interface ServiceReport {
  readonly sum: number;
  readonly product: number;
  readonly described: string;
  readonly shouted: string;
  readonly stats: Stats;
}

/** Calls every task of the catalog once and returns the typed results. */
export async function runService(client: Client, timeoutMs = 60_000): Promise<ServiceReport> {
  const t = bindTasks(client, tasks);
  const sum = await (await t.add.delay(2, 3)).get({ timeoutMs });
  const product = await (await t.mul.enqueue([sum, 4], { priority: 5 })).get({ timeoutMs });
  const described = await (await t.describePoint.enqueue([{ x: 1.5, y: -2 }], { kwargs: { label: "P" } })).get({ timeoutMs });
  const shouted = await (await t.shout.delay("typed", 2)).get({ timeoutMs });
  const stats = await (await t.stats.delay([sum, product])).get({ timeoutMs });
  return { sum, product, described, shouted, stats };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const client = await createClient({
    broker: process.env["CELERY_BROKER_URL"] ?? "redis://127.0.0.1:6379/0",
    backend: process.env["CELERY_RESULT_BACKEND"] ?? "redis://127.0.0.1:6379/0",
  });
  try {
    console.log(JSON.stringify(await runService(client)));
  } finally {
    await client.close();
  }
}
