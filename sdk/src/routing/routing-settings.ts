import type { ExchangeType, QueueSetting, RouteMap } from "../config/celery-settings.js";

/**
 * The resolved Celery settings the queue table and the router read (Celery's names; old names and raw values already
 * resolved). `null` keeps Celery's meaning of "unset" where Celery has one.
 */
export interface RoutingSettings {
  /** Default `"celery"`. */
  readonly task_default_queue: string;
  /** null: the default queue's name (Celery's `Settings.task_default_exchange`). Default null. */
  readonly task_default_exchange: string | null;
  /** Default `"direct"`. */
  readonly task_default_exchange_type: ExchangeType;
  /** null: the default queue's name (Celery's `Settings.task_default_routing_key`). Default null. */
  readonly task_default_routing_key: string | null;
  /** `"quorum"` declares the automatic default queue with `x-queue-type: quorum`. Default `"classic"`. */
  readonly task_default_queue_type: "classic" | "quorum";
  /** Delivery mode of messages whose queue's exchange sets none. Default 2 (persistent). */
  readonly task_default_delivery_mode: "persistent" | "transient" | 1 | 2;
  /** kombu queues as a list (kombu `Queue(...)`s) or Celery's old `{name: options}` map (`Queues.add_compat`). */
  readonly task_queues: readonly QueueSetting[] | Readonly<Record<string, Omit<QueueSetting, "name">>> | null;
  /** Default true. */
  readonly task_create_missing_queues: boolean;
  /** Default `"classic"`. */
  readonly task_create_missing_queue_type: "classic" | "quorum";
  /** null: missing queues get a direct exchange of their name. Default null. */
  readonly task_create_missing_queue_exchange_type: ExchangeType | null;
  /** `x-max-priority` for every queue whose `queue_arguments` set none. Default null. */
  readonly task_queue_max_priority: number | null;
  /** Route maps, tried in order. Default null. */
  readonly task_routes: RouteMap | readonly RouteMap[] | null;
}

/** Celery 5.7's defaults (celery/app/defaults.py) for the routing settings. */
export const CELERY_ROUTING_DEFAULTS: RoutingSettings = Object.freeze({
  task_default_queue: "celery",
  task_default_exchange: null,
  task_default_exchange_type: "direct",
  task_default_routing_key: null,
  task_default_queue_type: "classic",
  task_default_delivery_mode: 2,
  task_queues: null,
  task_create_missing_queues: true,
  task_create_missing_queue_type: "classic",
  task_create_missing_queue_exchange_type: null,
  task_queue_max_priority: null,
  task_routes: null,
});
