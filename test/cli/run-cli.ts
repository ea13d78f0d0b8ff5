import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { motoEndpoint } from "../support/aws.js";

/** The built CLI, as `npm test` builds it before running the tests. */
export const CLI = fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url));

/** The folder of the schema modules `validate` imports. */
export const FIXTURES = fileURLToPath(new URL("./fixtures/", import.meta.url));

/** What a finished run printed, and how it ended. */
export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of {@link runCli} and {@link startCli}. */
export interface RunOptions {
  /** Variables added to the clean test environment. */
  readonly env?: Record<string, string>;
  readonly cwd?: string;
  /** Written to the CLI's standard input, which is then closed; without it there is none. */
  readonly input?: string;
  /** The run is killed and the test fails after this long. @default 20000 */
  readonly timeoutMs?: number;
}

/**
 * The environment of a CLI run: the test process's, minus every `AWS_*` variable a developer may
 * have set, plus dummy credentials for moto.
 */
export function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith("AWS_")) env[name] = value;
  }
  return { ...env, AWS_ACCESS_KEY_ID: "testing", AWS_SECRET_ACCESS_KEY: "testing", ...extra };
}

/** `command --endpoint <moto> ...args`: the endpoint right after the command, before any `--`. */
export function atMoto(command: string, ...args: string[]): string[] {
  return [command, "--endpoint", motoEndpoint, ...args];
}

/** A CLI process still running, with what it printed so far. */
export interface RunningCli {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves once the stream's output matches `pattern`; rejects after `timeoutMs`. */
  waitFor(stream: "stdout" | "stderr", pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Resolves when the process ends (killed with SIGKILL after the run's timeout). */
  readonly exited: Promise<CliResult>;
}

/** Starts `node dist/cli/main.js ...args` with piped output. */
export function startCli(args: readonly string[], options: RunOptions = {}): RunningCli {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" first.`);
  const child = spawn(process.execPath, [CLI, ...args], {
    env: cliEnv(options.env),
    cwd: options.cwd,
    stdio: [options.input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
  });
  if (options.input !== undefined) child.stdin?.end(options.input);
  const output = { stdout: "", stderr: "" };
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    output.stdout += chunk;
  });
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    output.stderr += chunk;
  });
  const timeoutMs = options.timeoutMs ?? 20_000;
  const exited = new Promise<CliResult>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(
        new Error(`ssm-config ${args.join(" ")} ran longer than ${timeoutMs} ms: ${output.stderr}`),
      );
    }, timeoutMs);
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, ...output });
    });
  });
  exited.catch(() => {
    // Reported to whoever awaits it.
  });
  return {
    child,
    stdout: () => output.stdout,
    stderr: () => output.stderr,
    waitFor(stream, pattern, waitMs = 10_000) {
      return new Promise((resolve, reject) => {
        const deadline = Date.now() + waitMs;
        const check = () => {
          if (pattern.test(output[stream])) return resolve();
          if (child.exitCode !== null || Date.now() > deadline) {
            return reject(
              new Error(
                `no ${pattern} on ${stream} within ${waitMs} ms.\nstdout: ${output.stdout}\nstderr: ${output.stderr}`,
              ),
            );
          }
          setTimeout(check, 50);
        };
        check();
      });
    },
    exited,
  };
}

/** Runs `node dist/cli/main.js ...args` to the end. */
export function runCli(args: readonly string[], options: RunOptions = {}): Promise<CliResult> {
  return startCli(args, options).exited;
}
