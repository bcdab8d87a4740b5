import type { DeliveryInfo, TaskMessage } from "../../../sdk/src/codec/task/task-message.js";
import type { TaskHeadersV2, TaskProperties } from "../../../sdk/src/gen/json-schema/types.js";

/**
 * A task message known by its headers only (no body decoded): what Celery's consumer has for an unregistered task
 * (`on_unknown_task`) or the revoke command for an id it does not hold. No args, no canvas.
 */
export function headerOnlyMessage(
  headers: Readonly<Record<string, unknown>>,
  properties: Readonly<Record<string, unknown>> = {},
  deliveryInfo: DeliveryInfo | null = null,
  deliveryTag: string | null = null,
): TaskMessage {
  return {
    protocol: 2,
    headers: headers as TaskHeadersV2,
    properties: properties as TaskProperties,
    args: [],
    kwargs: {},
    embed: { callbacks: null, errbacks: null, chain: null, chord: null },
    eta: null,
    expires: null,
    deliveryInfo,
    deliveryTag,
  };
}
