// Must not compile: the catalog says installed.add takes two integers.
import { bindTasks, type Client } from "celery-proto";
import { tasks } from "./gen/catalog_tasks.js";

export async function call(client: Client): Promise<void> {
  await bindTasks(client, tasks).add.delay("2", 3);
}
