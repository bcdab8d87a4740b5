import type { ResultBackend } from "../../../sdk/src/results/result-backend.js";

/**
 * The result backend as a worker's producer uses it: chord sizes and saved chord headers are written through it,
 * but nothing is subscribed or declared for the tasks it publishes (Celery skips `on_task_call` inside a worker,
 * where `task_join_will_block()` is true), so publishing callbacks never grows a subscription set.
 */
export function toWorkerProducerBackend(backend: ResultBackend): ResultBackend {
  return {
    kind: backend.kind,
    replyTo: backend.replyTo,
    onTaskCall: async () => {},
    getMeta: (taskId) => backend.getMeta(taskId),
    waitForReady: (taskId, options) => backend.waitForReady(taskId, options),
    forget: (taskId) => backend.forget(taskId),
    saveGroup: (groupId, taskIds) => backend.saveGroup(groupId, taskIds),
    restoreGroup: (groupId) => backend.restoreGroup(groupId),
    setChordSize: (groupId, size) => backend.setChordSize(groupId, size),
    saveGroupTuple: backend.saveGroupTuple?.bind(backend),
    restoreGroupTuple: backend.restoreGroupTuple?.bind(backend),
    deleteGroup: backend.deleteGroup?.bind(backend),
    close: () => backend.close(),
  };
}
