import type { Client } from "../../sdk/src/client/client.js";
import type { ClientOptions } from "../../sdk/src/client/client-options.js";
import { createClient } from "../../sdk/src/client/create-client.js";
import type { LoadedCeleryConfig } from "../../sdk/src/config/load-celery-config.js";
import { createResultBackend } from "../../sdk/src/results/create-result-backend.js";
import type { ResultBackend } from "../../sdk/src/results/result-backend.js";
import {
  CONNECTION_TIMEOUT_FLAG_NAME,
  configuredConnectTimeoutMs,
  connectBroker,
  loadBrokerFlagsConfig,
  type BrokerFlagValues,
} from "./remote/connect-broker.js";

/**
 * `createClient` for a command, on the command's configuration (`--config`, else `CELERY_PROTO_CONFIG`; flags over
 * it): broker and result backend connected within `--broker-connection-timeout`, failing with messages that name the
 * server and that flag. `backend`: the `--backend` flag (undefined: `CELERY_RESULT_BACKEND`, else the configuration's
 * `result_backend`), or null for none.
 */
export async function connectClient(
  flags: BrokerFlagValues,
  backend: string | null | undefined,
  options: Omit<ClientOptions, "broker" | "backend" | "config"> = {},
  loaded?: LoadedCeleryConfig,
): Promise<Client> {
  const config = loaded ?? (await loadBrokerFlagsConfig(flags, { result_backend: backend ?? undefined }));
  const transport = await connectBroker(flags, config);
  let resultBackend: ResultBackend | null = null;
  try {
    const s = config.settings;
    const url = backend === null ? null : (s.result_backend ?? null);
    const connectTimeoutMs = configuredConnectTimeoutMs(config);
    resultBackend = await createResultBackend(url, transport, options.resultExpires ?? s.result_expires ?? undefined, {
      ...(connectTimeoutMs === undefined ? {} : { connectTimeoutMs }),
      connectTimeoutSetting: CONNECTION_TIMEOUT_FLAG_NAME,
      redisUseSsl: s.redis_backend_use_ssl,
      redisUseSslSetting: "redis_backend_use_ssl",
      urlSetting: backend === undefined && config.configured.includes("result_backend") ? "result_backend" : "--backend",
    });
    return await createClient({ ...options, config, broker: transport, backend: resultBackend });
  } catch (e) {
    await resultBackend?.close().catch(() => undefined);
    await transport.close().catch(() => undefined);
    throw e;
  }
}
