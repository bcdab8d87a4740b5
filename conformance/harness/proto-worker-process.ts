import { ProtoCliProcess } from "./proto-cli-process.js";

/** A `proto worker` started from source under tsx in its own process, as a user runs it. */
export class ProtoWorkerProcess extends ProtoCliProcess {
  /** Starts `proto worker <args>` and resolves once it logged `ready.` (needs `-l info`). */
  static async start(args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<ProtoWorkerProcess> {
    const worker = new ProtoWorkerProcess(ProtoCliProcess.launch("worker", args, env), "worker");
    await worker.waitFor(/\] \S+ ready\.\n/, 30_000);
    return worker;
  }

  /** Starts `proto worker <args>` without waiting for `ready.` (e.g. before its broker is up). */
  static spawn(args: readonly string[], env: Readonly<Record<string, string>> = {}): ProtoWorkerProcess {
    return new ProtoWorkerProcess(ProtoCliProcess.launch("worker", args, env), "worker");
  }
}
