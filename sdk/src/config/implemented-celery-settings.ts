import type { CelerySettings } from "./celery-settings.js";

/** The settings `CelerySettings` lists by name (its index signature left out). */
export type ImplementedSettingName = keyof {
  [K in keyof CelerySettings as string extends K ? never : number extends K ? never : K]: unknown;
};

/**
 * The Celery settings celery-proto implements: exactly those `CelerySettings` declares. Any other Celery setting is
 * kept (and shown by `proto report`) but warned about as ignored.
 */
const IMPLEMENTED_NAMES = [
  "broker_url",
  "result_backend",
  "broker_transport_options",
  "broker_native_delayed_delivery_queue_type",
  "result_backend_transport_options",
  "broker_use_ssl",
  "redis_backend_use_ssl",
  "broker_connection_timeout",
  "broker_connection_retry",
  "broker_connection_retry_on_startup",
  "broker_connection_max_retries",
  "task_default_queue",
  "task_default_exchange",
  "task_default_exchange_type",
  "task_default_routing_key",
  "task_default_priority",
  "task_default_queue_type",
  "task_default_delivery_mode",
  "task_queues",
  "task_create_missing_queues",
  "task_create_missing_queue_type",
  "task_create_missing_queue_exchange_type",
  "task_queue_max_priority",
  "task_routes",
  "task_serializer",
  "result_serializer",
  "accept_content",
  "result_accept_content",
  "security_key",
  "security_key_password",
  "security_certificate",
  "security_cert_store",
  "security_digest",
  "task_compression",
  "result_compression",
  "result_expires",
  "result_extended",
  "task_ignore_result",
  "task_track_started",
  "task_acks_late",
  "task_acks_on_failure_or_timeout",
  "task_acks_on_failure",
  "task_acks_on_timeout",
  "task_reject_on_worker_lost",
  "task_retry_on_worker_lost",
  "task_time_limit",
  "task_soft_time_limit",
  "task_annotations",
  "task_send_sent_event",
  "task_inherit_parent_priority",
  "worker_prefetch_multiplier",
  "worker_concurrency",
  "worker_send_task_events",
  "worker_detect_quorum_queues",
  "event_queue_ttl",
  "event_queue_expires",
  "event_queue_prefix",
  "event_queue_exclusive",
  "event_queue_durable",
  "event_exchange",
  "event_serializer",
  "control_queue_ttl",
  "control_queue_expires",
  "control_queue_exclusive",
  "control_queue_durable",
  "control_exchange",
  "timezone",
  "enable_utc",
  "beat_schedule",
  "beat_max_loop_interval",
] as const satisfies readonly ImplementedSettingName[];

export const IMPLEMENTED_CELERY_SETTINGS: ReadonlySet<ImplementedSettingName> = new Set(IMPLEMENTED_NAMES);

/** The names of `CelerySettings` missing from `IMPLEMENTED_CELERY_SETTINGS` (never: a test checks it at compile time). */
export type UnlistedImplementedSettings = Exclude<ImplementedSettingName, (typeof IMPLEMENTED_NAMES)[number]>;

/**
 * The effective configuration: every implemented setting present, Celery 5.7's default where the configuration set
 * none, plus every other setting the configuration held (known Celery settings under their new names, unknown names
 * as given) and every other known Celery setting at its default. Frozen.
 */
export type EffectiveCelerySettings = { readonly [K in ImplementedSettingName]-?: Exclude<CelerySettings[K], undefined> } & {
  readonly [setting: string]: unknown;
};
