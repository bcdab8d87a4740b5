/**
 * Celery settings by Celery's own (lowercase) names, as a configuration file or module holds them. The values are
 * what `app.conf` holds in Python, written as JSON: seconds as numbers, kombu queues and exchanges as the objects
 * below, compiled regular expressions in `task_routes` as `"re:<pattern>"` keys. Old uppercase names
 * (`CELERY_ROUTES`, `BROKER_URL`, ...) are accepted by the loader and mapped to these, as Celery maps them.
 */
export interface CelerySettings {
  readonly broker_url?: string | null;
  readonly result_backend?: string | null;
  /** kombu transport options of the broker (Redis: `visibility_timeout`, `global_keyprefix`, ...). */
  readonly broker_transport_options?: Readonly<Record<string, unknown>>;
  /** The queue type of the 28 native delayed delivery queues (RabbitMQ, with quorum queues). Default `"quorum"`. */
  readonly broker_native_delayed_delivery_queue_type?: "classic" | "quorum";
  readonly result_backend_transport_options?: Readonly<Record<string, unknown>>;
  /**
   * TLS to the broker: `true`, or the ssl options by the broker library's names (RabbitMQ/py-amqp: `ca_certs`,
   * `certfile`, `keyfile`, `cert_reqs`, `server_hostname`, `ciphers`; Redis/redis-py: `ssl_ca_certs`, `ssl_certfile`,
   * `ssl_keyfile`, `ssl_cert_reqs`, `ssl_check_hostname`). `cert_reqs`: `ssl.CERT_*` as 0/1/2 or by name. Default false.
   */
  readonly broker_use_ssl?: boolean | Readonly<Record<string, unknown>>;
  /** TLS to a Redis result backend: redis-py's ssl options, as `broker_use_ssl` takes them for Redis. Default null. */
  readonly redis_backend_use_ssl?: Readonly<Record<string, unknown>> | null;
  /** Seconds. Celery 5.7 default 4. */
  readonly broker_connection_timeout?: number;
  readonly broker_connection_retry?: boolean;
  /** null: follows `broker_connection_retry` (Celery's default). */
  readonly broker_connection_retry_on_startup?: boolean | null;
  /** null: retry forever. Default 100. */
  readonly broker_connection_max_retries?: number | null;

  /** Default `"celery"`. */
  readonly task_default_queue?: string;
  /** Default: the default queue's name (null). */
  readonly task_default_exchange?: string | null;
  /** Default `"direct"`. */
  readonly task_default_exchange_type?: ExchangeType;
  /** Default: the default queue's name (null). */
  readonly task_default_routing_key?: string | null;
  /** Default null (no priority sent). */
  readonly task_default_priority?: number | null;
  /** Default `"classic"`. */
  readonly task_default_queue_type?: "classic" | "quorum";
  readonly task_default_delivery_mode?: "persistent" | "transient" | 1 | 2;
  /** kombu queues, as a list or a `{name: declaration}` map (Celery's old dict form). */
  readonly task_queues?: readonly QueueSetting[] | Readonly<Record<string, Omit<QueueSetting, "name">>> | null;
  /** Default true: a queue named by a route or `-Q` but not in `task_queues` is created as Celery does. */
  readonly task_create_missing_queues?: boolean;
  readonly task_create_missing_queue_type?: "classic" | "quorum";
  readonly task_create_missing_queue_exchange_type?: ExchangeType | null;
  /** `x-max-priority` for every queue that sets none. Default null. */
  readonly task_queue_max_priority?: number | null;
  readonly task_routes?: RouteMap | readonly RouteMap[] | null;

  /** `json` (default), `msgpack`, `yaml`, or `auth`: json signed with `security_key` (Celery's message signing). */
  readonly task_serializer?: string;
  readonly result_serializer?: string;
  readonly accept_content?: readonly string[];
  readonly result_accept_content?: readonly string[] | null;
  /** Message signing (`task_serializer='auth'`, `accept_content=['auth']`): PEM RSA private key file that signs. */
  readonly security_key?: string | null;
  /** Passphrase of `security_key`, if the key file is encrypted (Celery: bytes; text here). */
  readonly security_key_password?: string | null;
  /** PEM certificate file of `security_key`: its issuer and serial number name the signer in every signed message. */
  readonly security_certificate?: string | null;
  /** Trusted signers: a directory of PEM certificate files (every file in it) or one file. Verifies `auth` messages. */
  readonly security_cert_store?: string | null;
  /** Hash of the RSA-PSS signatures. Default `"sha256"`. */
  readonly security_digest?: string;
  readonly task_compression?: string | null;
  readonly result_compression?: string | null;
  /** Seconds; default 86400. */
  readonly result_expires?: number | null;
  readonly result_extended?: boolean;
  readonly task_ignore_result?: boolean;
  readonly task_track_started?: boolean;
  readonly task_acks_late?: boolean;
  readonly task_acks_on_failure_or_timeout?: boolean;
  /** Default null: `task_acks_on_failure_or_timeout`. */
  readonly task_acks_on_failure?: boolean | null;
  /** Default null: `task_acks_on_failure_or_timeout`. */
  readonly task_acks_on_timeout?: boolean | null;
  readonly task_reject_on_worker_lost?: boolean | null;
  readonly task_retry_on_worker_lost?: boolean;
  readonly task_time_limit?: number | null;
  readonly task_soft_time_limit?: number | null;
  /** Per-task options by task name (or `"*"`): Celery task attribute names (`rate_limit`, `time_limit`, `acks_late`, ...). */
  readonly task_annotations?:
    | Readonly<Record<string, Readonly<Record<string, unknown>>>>
    | readonly Readonly<Record<string, Readonly<Record<string, unknown>>>>[]
    | null;
  readonly task_send_sent_event?: boolean;
  readonly task_inherit_parent_priority?: boolean;

  readonly worker_prefetch_multiplier?: number;
  /** null: the number of CPUs (`proto worker`'s async pool: 50). */
  readonly worker_concurrency?: number | null;
  readonly worker_send_task_events?: boolean;
  /** Per-consumer QoS when a queue in the table is a quorum queue (RabbitMQ). Default true. */
  readonly worker_detect_quorum_queues?: boolean;

  readonly event_queue_ttl?: number;
  readonly event_queue_expires?: number;
  readonly event_queue_prefix?: string;
  /** The event receiver's queue is exclusive. Default true (Celery 5.7); not with `event_queue_durable`. */
  readonly event_queue_exclusive?: boolean;
  /** The event receiver's queue is durable (and then not auto-delete). Default false; not with `event_queue_exclusive`. */
  readonly event_queue_durable?: boolean;
  readonly event_exchange?: string;
  readonly event_serializer?: string;
  readonly control_queue_ttl?: number;
  readonly control_queue_expires?: number;
  /** The pidbox node and reply queues are exclusive. Default true (Celery 5.7); not with `control_queue_durable`. */
  readonly control_queue_exclusive?: boolean;
  /** The pidbox node and reply queues are durable (and then not auto-delete). Default false; not with `control_queue_exclusive`. */
  readonly control_queue_durable?: boolean;
  readonly control_exchange?: string;

  readonly timezone?: string | null;
  readonly enable_utc?: boolean;
  /** Beat entries by name, in the format of `schemas/json/beat-schedule.schema.json`'s `entries`. */
  readonly beat_schedule?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** Seconds; 0 = the scheduler's default (300, or 5 with a Redis lease). */
  readonly beat_max_loop_interval?: number;

  /** Any other Celery setting: kept, reported, and warned about when it is not implemented here. */
  readonly [setting: string]: unknown;
}

export type ExchangeType = "direct" | "topic" | "fanout" | "headers";

/** A kombu `Exchange(...)`. */
export interface ExchangeSetting {
  readonly name: string;
  /** Default `"direct"`. */
  readonly type?: ExchangeType;
  /** Default true. */
  readonly durable?: boolean;
  /** Default false. */
  readonly auto_delete?: boolean;
  /** 1 / "transient" or 2 / "persistent"; default unset (the message's own). */
  readonly delivery_mode?: 1 | 2 | "transient" | "persistent" | null;
  readonly arguments?: Readonly<Record<string, unknown>> | null;
  readonly no_declare?: boolean;
}

/** A kombu `binding(exchange, routing_key, arguments)` of a queue with several bindings. */
export interface BindingSetting {
  readonly exchange: string | ExchangeSetting;
  readonly routing_key?: string | null;
  readonly arguments?: Readonly<Record<string, unknown>> | null;
}

/** A kombu `Queue(...)` (or the dict Celery's `Queues.add_compat` takes). */
export interface QueueSetting {
  readonly name: string;
  /** An exchange name (type from `exchange_type`) or a full exchange. Default `task_default_exchange`. */
  readonly exchange?: string | ExchangeSetting | null;
  /** With `exchange` given as a name. Default `"direct"`. */
  readonly exchange_type?: ExchangeType;
  /** Binding key. Default `task_default_routing_key` (then the queue name). */
  readonly routing_key?: string | null;
  /** Old spelling of `routing_key` (Celery's `add_compat`). */
  readonly binding_key?: string | null;
  readonly durable?: boolean;
  readonly exclusive?: boolean;
  readonly auto_delete?: boolean;
  /** `x-` arguments of `queue.declare` (`x-max-priority`, `x-queue-type`, ...). */
  readonly queue_arguments?: Readonly<Record<string, unknown>> | null;
  readonly binding_arguments?: Readonly<Record<string, unknown>> | null;
  readonly consumer_arguments?: Readonly<Record<string, unknown>> | null;
  /** Seconds (kombu: `x-expires` in ms). */
  readonly expires?: number | null;
  /** Seconds (kombu: `x-message-ttl` in ms). */
  readonly message_ttl?: number | null;
  readonly max_length?: number | null;
  readonly max_length_bytes?: number | null;
  readonly max_priority?: number | null;
  /** Several bindings instead of `exchange` + `routing_key`. */
  readonly bindings?: readonly BindingSetting[] | null;
  readonly no_declare?: boolean;
  readonly alias?: string | null;
}

/** Where a route sends a task (Celery's route dict); a bare string is a queue name. */
export interface RouteSetting {
  readonly queue?: string;
  readonly exchange?: string;
  readonly exchange_type?: ExchangeType;
  readonly routing_key?: string;
  readonly priority?: number;
  readonly [option: string]: unknown;
}

/** One `task_routes` map: exact task names, globs with `*` (fnmatch), and `"re:<regex>"` keys (Python `re.match`). */
export type RouteMap = Readonly<Record<string, string | RouteSetting>>;
