import { createResultBackend } from "../results/create-result-backend.js";
import { createTransport } from "../transport/create-transport.js";
import { CeleryClient } from "./celery-client.js";
import { Client } from "./client.js";
import type { ClientOptions } from "./client-options.js";
import { compileClientOptions } from "./compile-client-options.js";

/**
 * Connects a producer. URLs are Celery's (`broker_url`, `result_backend`), defaulting to the CELERY_BROKER_URL and
 * CELERY_RESULT_BACKEND environment variables.
 *
 *     const client = await createClient({ broker: "redis://localhost:6379/0", backend: "redis://localhost:6379/1" });
 *     const result = await client.enqueue("tasks.add", [2, 3]);
 *     console.log(await result.get({ timeoutMs: 10_000 }));
 */
export async function createClient(options: ClientOptions = {}): Promise<Client> {
  const compiled = compileClientOptions(options);
  const transport = typeof compiled.broker === "string" ? await createTransport(compiled.broker) : compiled.broker;
  const backend =
    compiled.backend === null || typeof compiled.backend === "string"
      ? createResultBackend(compiled.backend, transport, compiled.resultExpires)
      : compiled.backend;
  return new Client(new CeleryClient(transport, backend, compiled));
}
