import { ProtoCliProcess } from "./proto-cli-process.js";

/** What a `proto` command run to completion left: its exit status, stdout (the report) and stderr apart. */
export interface ProtoCommandResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A `proto <command>` run from source to completion, asynchronously: workers the test started keep running meanwhile. */
export class ProtoCommandRun extends ProtoCliProcess {
  static async run(command: string, args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<ProtoCommandResult> {
    const child = ProtoCliProcess.launch(command, args, env);
    const out = { stdout: "", stderr: "" };
    child.stdout?.on("data", (d: Buffer) => (out.stdout += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (out.stderr += d.toString()));
    const { code } = await new ProtoCommandRun(child, command).exited;
    return { status: code, ...out };
  }
}
