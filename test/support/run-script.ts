import { type ChildProcess, spawn } from "node:child_process";

/** What a script run in a child process left behind. `code` is null when it was killed. */
export interface ScriptRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a TypeScript script in a child Node process (through tsx) and waits for it to exit,
 * collecting its output; kills it after `timeoutMs`, so that a process that would never exit
 * ends the wait with `code: null` instead of hanging the test.
 */
export async function runScript(
  script: string,
  options: {
    env?: NodeJS.ProcessEnv;
    timeoutMs?: number;
    /** Called with the child as soon as it is spawned (e.g. to clean it up after the test). */
    onSpawn?: (child: ChildProcess) => void;
  } = {},
): Promise<ScriptRun> {
  const child = spawn(process.execPath, ["--import", "tsx", script], {
    env: options.env ?? process.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  options.onSpawn?.(child);
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      resolve(null);
    }, options.timeoutMs ?? 20_000);
    child.on("exit", (exitCode) => {
      clearTimeout(timer);
      resolve(exitCode);
    });
  });
  return { code, stdout, stderr };
}
