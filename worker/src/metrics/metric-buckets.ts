/** celery-exporter's `celery_task_runtime` buckets: prometheus_client's `DEFAULT_BUCKETS` (+Inf implied). */
export const RUNTIME_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

/** celery-exporter's `celery_task_queue_wait_time` buckets (`--queue-wait-buckets`' default, +Inf implied). */
export const WAIT_BUCKETS: readonly number[] = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800];
