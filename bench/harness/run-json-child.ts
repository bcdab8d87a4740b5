import { spawn } from "node:child_process";

/** Runs a measuring script to its end and parses the JSON object on the last line of its stdout. */
export async function runJsonChild<T>(command: string, args: readonly string[], cwd: string, env: Readonly<Record<string, string>> = {}): Promise<T> {
  const child = spawn(command, [...args], { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr = (stderr + d).slice(-4000)));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  const last = stdout.trimEnd().split("\n").pop() ?? "";
  if (code !== 0 || !last.startsWith("{")) throw new Error(`${command} ${args.join(" ")} exited ${code}:\n${stderr}${stdout.slice(-2000)}`);
  return JSON.parse(last) as T;
}
