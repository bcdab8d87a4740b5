import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import amqplib from "amqplib";
import { Redis } from "ioredis";
import { AMQP_URL } from "../../conformance/harness/broker-urls.js";
import { BENCH_REDIS_URL } from "./bench-brokers.js";
import { PYTHON, ROOT } from "./bench-paths.js";

/** What a figure depends on besides the code, kept with the samples so that the history can say it. */
export interface BenchConditions {
  readonly started: string;
  readonly commit: string;
  readonly node: string;
  readonly cpus: number;
  readonly cpuModel: string;
  readonly loadAverageAtStart: readonly number[];
  readonly versions: Readonly<Record<string, string>>;
}

export async function readBenchConditions(started: Date): Promise<BenchConditions> {
  const redis = new Redis(BENCH_REDIS_URL);
  const redisInfo = await redis.info("server");
  redis.disconnect();
  const connection = await amqplib.connect(AMQP_URL);
  const rabbitmq = String(connection.connection.serverProperties["version"] ?? "unknown");
  await connection.close();
  const peer = (name: string): string =>
    (JSON.parse(readFileSync(path.join(ROOT, "bench/node_modules", name, "package.json"), "utf8")) as { version: string }).version;
  return {
    started: started.toISOString(),
    commit: commitOfWorkTree(),
    node: process.version,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? "unknown",
    loadAverageAtStart: os.loadavg(),
    versions: {
      celery: execFileSync(PYTHON, ["-c", "import celery; print(celery.__version__)"], { encoding: "utf8" }).trim(),
      redis: /redis_version:(\S+)/.exec(redisInfo)?.[1] ?? "unknown",
      rabbitmq,
      "celery-node": peer("celery-node"),
      bullmq: peer("bullmq"),
    },
  };
}

/** The short commit id, with "+changes" when tracked files differ from it: such a figure is not that commit's. */
function commitOfWorkTree(): string {
  const commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" }).trim();
  const changed = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], { cwd: ROOT, encoding: "utf8" }).trim() !== "";
  return changed ? `${commit}+changes` : commit;
}
