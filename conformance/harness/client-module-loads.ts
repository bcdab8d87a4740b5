// Prints, as JSON, the npm packages a process has loaded after `createClient(broker, backend)` connected and closed,
// and those it had loaded before: `node --import tsx client-module-loads.ts <broker> <backend|->`. CommonJS packages
// (amqplib, ioredis) land in require's cache even when imported from ES modules.
import { createRequire } from "node:module";
import { createClient } from "../../sdk/src/client/create-client.js";

const [broker, backend] = process.argv.slice(2);
const packages = (): string[] => [
  ...new Set(
    Object.keys(createRequire(import.meta.url).cache)
      .filter((file) => file.includes("/node_modules/"))
      .map((file) =>
        file
          .slice(file.lastIndexOf("/node_modules/") + 14)
          .split("/")
          .slice(0, file.includes("/node_modules/@") ? 2 : 1)
          .join("/"),
      ),
  ),
];
const before = packages();
const client = await createClient({ broker: broker!, backend: backend === undefined || backend === "-" ? null : backend });
await client.close();
process.stdout.write(`${JSON.stringify({ before, after: packages() })}\n`);
