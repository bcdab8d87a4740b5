import { ProtoCliProcess } from "./proto-cli-process.js";

/** A `proto worker` in its own process, as a user runs it: from source under tsx, or built (`startBuilt`). */
export class ProtoWorkerProcess extends ProtoCliProcess {
  /** Starts `proto worker <args>` and resolves once it logged `ready.` (needs `-l info`). */
  static async start(args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<ProtoWorkerProcess> {
    const worker = new ProtoWorkerProcess(ProtoCliProcess.launch("worker", args, env), "worker");
    await worker.waitFor(/\] \S+ ready\.\n/, 30_000);
    return worker;
  }

  /** Starts the built `node bin/proto.js worker <args>` (dist/ must be built: `ensureBuilt`) and resolves once it logged `ready.`. */
  static async startBuilt(args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<ProtoWorkerProcess> {
    const worker = new ProtoWorkerProcess(ProtoCliProcess.launchBuilt("worker", args, env), "worker");
    try {
      await worker.waitFor(/\] \S+ ready\.\n/, 30_000);
    } catch (e) {
      worker.signal("SIGKILL");
      throw e;
    }
    return worker;
  }

  /** Starts `proto worker <args>` without waiting for `ready.` (e.g. before its broker is up). */
  static spawn(args: readonly string[], env: Readonly<Record<string, string>> = {}): ProtoWorkerProcess {
    return new ProtoWorkerProcess(ProtoCliProcess.launch("worker", args, env), "worker");
  }
}
