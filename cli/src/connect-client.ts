import type { Client } from "../../sdk/src/client/client.js";
import type { ClientOptions } from "../../sdk/src/client/client-options.js";
import { createClient } from "../../sdk/src/client/create-client.js";
import { createResultBackend } from "../../sdk/src/results/create-result-backend.js";
import type { ResultBackend } from "../../sdk/src/results/result-backend.js";
import { CONNECTION_TIMEOUT_FLAG_NAME, connectBroker, parseConnectionTimeoutMs, type BrokerFlagValues } from "./remote/connect-broker.js";

/**
 * `createClient` for a command: broker and result backend connected within `--broker-connection-timeout`, failing
 * with messages that name the server and that flag. `backend` null means none.
 */
export async function connectClient(flags: BrokerFlagValues, backend: string | null, options: Omit<ClientOptions, "broker" | "backend"> = {}): Promise<Client> {
  const transport = await connectBroker(flags);
  let resultBackend: ResultBackend | null = null;
  try {
    const connectTimeoutMs = parseConnectionTimeoutMs(flags["broker-connection-timeout"]);
    resultBackend = await createResultBackend(backend, transport, options.resultExpires, {
      ...(connectTimeoutMs === undefined ? {} : { connectTimeoutMs }),
      connectTimeoutSetting: CONNECTION_TIMEOUT_FLAG_NAME,
      urlSetting: "--backend",
    });
    return await createClient({ ...options, broker: transport, backend: resultBackend });
  } catch (e) {
    await resultBackend?.close().catch(() => undefined);
    await transport.close().catch(() => undefined);
    throw e;
  }
}
