import type { EffectiveCelerySettings } from "../config/implemented-celery-settings.js";
import { CELERY_ROUTING_DEFAULTS } from "../routing/routing-settings.js";

/** The settings a client reads. */
export type ClientSettings = Pick<
  EffectiveCelerySettings,
  | "broker_url"
  | "result_backend"
  | "broker_transport_options"
  | "broker_use_ssl"
  | "redis_backend_use_ssl"
  | "broker_connection_timeout"
  | "task_serializer"
  | "task_compression"
  | "task_send_sent_event"
  | "result_expires"
  | "task_default_queue"
  | "task_default_exchange"
  | "task_default_exchange_type"
  | "task_default_routing_key"
  | "task_default_queue_type"
  | "task_default_delivery_mode"
  | "task_queues"
  | "task_create_missing_queues"
  | "task_create_missing_queue_type"
  | "task_create_missing_queue_exchange_type"
  | "task_queue_max_priority"
  | "task_routes"
  | "security_key"
  | "security_key_password"
  | "security_certificate"
  | "security_digest"
>;

/**
 * Celery 5.7's defaults of the settings a client reads, for a client without a configuration (so that it does not
 * load Celery's whole settings table). A unit test keeps them equal to the table recorded from Celery.
 */
export const CLIENT_DEFAULT_SETTINGS: ClientSettings = Object.freeze({
  ...CELERY_ROUTING_DEFAULTS,
  broker_url: null,
  result_backend: null,
  broker_transport_options: Object.freeze({}),
  broker_use_ssl: false,
  redis_backend_use_ssl: null,
  broker_connection_timeout: 4,
  task_serializer: "json",
  security_key: null,
  security_key_password: null,
  security_certificate: null,
  security_digest: "sha256",
  task_compression: null,
  task_send_sent_event: false,
  result_expires: 86400,
});
