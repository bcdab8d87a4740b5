import type { CelerySettings } from "../config/celery-settings.js";
import { CELERY_ROUTING_DEFAULTS, type RoutingSettings } from "./routing-settings.js";

/**
 * The routing settings out of resolved Celery settings (`app.conf` by Celery's names), Celery 5.7's default for every
 * one that is unset (`undefined`). A `null` stays null where Celery's setting takes None.
 */
export function toRoutingSettings(settings: CelerySettings): RoutingSettings {
  const d = CELERY_ROUTING_DEFAULTS;
  return Object.freeze({
    task_default_queue: settings.task_default_queue ?? d.task_default_queue,
    task_default_exchange: settings.task_default_exchange === undefined ? d.task_default_exchange : settings.task_default_exchange,
    task_default_exchange_type: settings.task_default_exchange_type ?? d.task_default_exchange_type,
    task_default_routing_key: settings.task_default_routing_key === undefined ? d.task_default_routing_key : settings.task_default_routing_key,
    task_default_queue_type: settings.task_default_queue_type ?? d.task_default_queue_type,
    task_default_delivery_mode: settings.task_default_delivery_mode ?? d.task_default_delivery_mode,
    task_queues: settings.task_queues === undefined ? d.task_queues : settings.task_queues,
    task_create_missing_queues: settings.task_create_missing_queues ?? d.task_create_missing_queues,
    task_create_missing_queue_type: settings.task_create_missing_queue_type ?? d.task_create_missing_queue_type,
    task_create_missing_queue_exchange_type:
      settings.task_create_missing_queue_exchange_type === undefined
        ? d.task_create_missing_queue_exchange_type
        : settings.task_create_missing_queue_exchange_type,
    task_queue_max_priority: settings.task_queue_max_priority === undefined ? d.task_queue_max_priority : settings.task_queue_max_priority,
    task_routes: settings.task_routes === undefined ? d.task_routes : settings.task_routes,
  });
}
