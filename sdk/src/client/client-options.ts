import type { CelerySslSetting } from "../transport/tls/celery-ssl-setting.js";
import type { CompressionName } from "../codec/body/compression.js";
import type { TaskSerializerName } from "../codec/body/content-types.js";
import type { AuthLayout } from "../security/auth-payload.js";
import type { MessageSigner } from "../security/message-signing.js";
import type { KombuJsonFlavor } from "../codec/json/kombu-json.js";
import type { CeleryConfigInput } from "../config/celery-config.js";
import type { KombuRedisOptions } from "../transport/redis/kombu-redis-options.js";
import type { ResultBackend } from "../results/result-backend.js";
import type { CeleryRouter } from "../routing/create-task-router.js";
import type { QueueTable } from "../routing/create-queue-table.js";
import type { RoutingSettings } from "../routing/routing-settings.js";
import type { QueueSpec } from "../transport/queue-spec.js";
import type { Transport } from "../transport/transport.js";
import type { TaskRoutes } from "./task-routes.js";

/** Options of `createClient`. Every default is Celery's. */
export interface ClientOptions {
  /**
   * The app's configuration by Celery's setting names (`broker_url`, `result_backend`, `task_routes`, `task_queues`,
   * `task_default_queue`, `task_serializer`, ...; old uppercase names too): settings, a configuration already loaded
   * (`loadCeleryConfig`), or the path of a `.json`/`.yaml` file or `.js`/`.ts` module exporting `config`. The other
   * options win over it; `CELERY_BROKER_URL` / `CELERY_RESULT_BACKEND` too. Default: `$CELERY_PROTO_CONFIG`, else none
   * (Celery's defaults).
   */
  readonly config?: CeleryConfigInput | string;
  /** Broker URL (`amqp://`, `redis://`, `memory://`, ...) or a transport. Default: `$CELERY_BROKER_URL`, else `amqp://guest:guest@localhost:5672//`. */
  readonly broker?: string | Transport;
  /** Result backend URL (`redis://`, `rpc://`) or a backend; null for none. Default: `$CELERY_RESULT_BACKEND`, else none. */
  readonly backend?: string | ResultBackend | null;
  /** `task_default_queue`. Default `"celery"`. */
  readonly defaultQueue?: string;
  /** Queues with non-default declarations (priority, quorum, other exchanges); others are created as Celery does. */
  readonly queues?: readonly QueueSpec[];
  /** `task_routes`: maps (tried after `routing.task_routes`) and router functions. */
  readonly routes?: TaskRoutes;
  /**
   * Routing settings by Celery's names (`task_queues`, `task_routes`, `task_default_exchange`, ...), Celery's default
   * for each one left out. `defaultQueue` is `task_default_queue`; `queues` are added to `task_queues`.
   */
  readonly routing?: Partial<RoutingSettings>;
  /**
   * `task_serializer`. Default `"json"`. `"auth"` signs every task (Celery's message signing) with the key and
   * certificate of the `security_key` and `security_certificate` settings, or with `signer`.
   */
  readonly serializer?: TaskSerializerName;
  /** Signs `auth` tasks: a `loadMessageSigner` result. Default: loaded from the configuration when the serializer is `auth`. */
  readonly signer?: MessageSigner;
  /**
   * The layout of what the loaded signer signs: `"5.5"` for Celery 5.5 and later workers (the default), `"5.3"` for
   * Celery 5.3/5.4 workers, which cannot read the newer one. Verifying reads both.
   */
  readonly authLayout?: AuthLayout;
  /** `task_compression`. Default none. */
  readonly compression?: CompressionName | null;
  /** JSON for kombu >= 5.3 peers (default) or kombu <= 5.2 peers. */
  readonly jsonFlavor?: KombuJsonFlavor;
  /** `task_send_sent_event`: publish a `task-sent` event for every task. Default false. */
  readonly sendSentEvent?: boolean;
  /** `result_expires` in seconds, for backends created from a URL. Default 86400. */
  readonly resultExpires?: number;
  /**
   * Time allowed to connect to a broker (and a Redis result backend) given as a URL, in ms: past it, or at once when
   * the server refuses, `createClient` rejects with a message naming the server. Default 4000 (Celery's
   * `broker_connection_timeout`; for Redis, `socket_connect_timeout` of the URL's transport options when set).
   */
  readonly connectTimeoutMs?: number;
  /**
   * OpenTelemetry tracing as opentelemetry-instrumentation-celery does it: each publish is an `apply_async/<task>`
   * PRODUCER span under the active context, injected into the task headers by the global propagator. Uses the
   * globally registered tracer provider and propagator of `@opentelemetry/api` (an optional peer dependency, loaded
   * only when this is true; `createClient` rejects naming it when it is missing). Default false.
   */
  readonly tracing?: boolean;
}

/** `ClientOptions` with defaults applied and checked, frozen. */
export interface CompiledClientOptions {
  readonly broker: string | Transport;
  /** kombu transport options for a Redis broker URL (`broker_transport_options`); empty for none. */
  readonly brokerTransportOptions: KombuRedisOptions;
  /** Celery's `broker_use_ssl` (false: TLS only as the URL says). */
  readonly brokerUseSsl: CelerySslSetting;
  readonly backend: string | ResultBackend | null;
  /** Celery's `redis_backend_use_ssl` (null: TLS only as the URL says). */
  readonly redisBackendUseSsl: Readonly<Record<string, unknown>> | null;
  readonly defaultQueue: string;
  readonly queues: ReadonlyMap<string, QueueSpec>;
  readonly routes: TaskRoutes | undefined;
  /** The routing settings with `defaultQueue` applied. */
  readonly routing: RoutingSettings;
  /** Celery's queue table for them (with `queues`). */
  readonly queueTable: QueueTable;
  /** Celery's router over the table (`routing.task_routes`, then `routes`). */
  readonly router: CeleryRouter;
  readonly serializer: TaskSerializerName;
  /** Set when the serializer is `auth`. */
  readonly signer: MessageSigner | null;
  readonly compression: CompressionName | null;
  readonly jsonFlavor: KombuJsonFlavor;
  readonly sendSentEvent: boolean;
  readonly resultExpires: number;
  readonly connectTimeoutMs: number | undefined;
}
