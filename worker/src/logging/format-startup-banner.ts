import os from "node:os";

/** What the start-up banner shows (Celery's `Worker.startup_info` + `extra_info`). */
export interface StartupBannerInfo {
  readonly hostname: string;
  readonly version: string;
  /** The app: for `proto worker`, the `-A` module. */
  readonly app: string;
  /** Broker URL, password already masked. */
  readonly transport: string;
  /** Result backend URL, password already masked (`disabled://` when none). */
  readonly results: string;
  readonly concurrency: number;
  readonly pool: string;
  readonly taskEvents: boolean;
  /** Consumed queues with their exchange (name and type) and routing key. */
  readonly queues: readonly { readonly name: string; readonly exchange: string; readonly exchangeType: string; readonly routingKey: string }[];
  /** Registered task names; printed only when `withTasks` (Celery: log level INFO or lower). */
  readonly tasks: readonly string[];
  readonly withTasks: boolean;
  readonly now?: Date;
}

const ARTLINES = [
  " --------------",
  "--- ***** -----",
  "-- ******* ----",
  "- *** --- * ---",
  "- ** ----------",
  "- ** ----------",
  "- ** ----------",
  "- ** ----------",
  "- *** --- * ---",
  "-- ******* ----",
  "--- ***** -----",
  " --------------",
];

/** Celery's banner, line for line (C:celery/apps/worker.py `BANNER`, `ARTLINES`, `EXTRA_INFO_FMT`). */
export function formatStartupBanner(info: StartupBannerInfo): string {
  const queueLines = info.queues.map((q) => `.> ${q.name.padEnd(16)} exchange=${q.exchange}(${q.exchangeType}) key=${q.routingKey}`);
  const [firstQueue = "", ...otherQueues] = queueLines;
  const lines = [
    `${info.hostname} v${info.version}`,
    "",
    `${os.type()}-${os.release()}-${os.arch()} ${formatTimestamp(info.now ?? new Date())}`,
    "",
    "[config]",
    `.> app:         ${info.app}`,
    `.> transport:   ${info.transport}`,
    `.> results:     ${info.results}`,
    `.> concurrency: ${info.concurrency} (${info.pool})`,
    `.> task events: ${info.taskEvents ? "ON" : "OFF (enable -E to monitor tasks in this worker)"}`,
    "",
    "[queues]",
    firstQueue,
    ...otherQueues,
  ].map((line, i) => (i < ARTLINES.length ? `${ARTLINES[i]} ${line}` : `${" ".repeat(16)}${line}`));
  let text = ` \n${lines.join("\n")}\n`;
  if (info.withTasks) text += `\n[tasks]\n${info.tasks.map((t) => `  . ${t}`).join("\n")}\n`;
  return text;
}

function formatTimestamp(date: Date): string {
  const p = (n: number): string => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())} ${p(date.getHours())}:${p(date.getMinutes())}:${p(date.getSeconds())}`;
}
