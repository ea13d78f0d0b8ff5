import { spawn } from "node:child_process";
import { constants } from "node:os";
import { UsageError } from "../args.js";
import { type Command, type CommandContext, ExitCode, writeLines } from "../command.js";
import { envVariables } from "../output.js";
import { listParameters } from "../parameter-listing.js";
import { progressReporter } from "../progress.js";
import { checkedPath } from "./paths.js";

/** The exit codes shells use when a command cannot be run. */
const NOT_EXECUTABLE = 126;
const NOT_FOUND = 127;

const FORWARDED_SIGNALS = ["SIGINT", "SIGTERM"] as const;

/** `ssm-config exec <path>... -- <command>`: runs a command with the parameters in its environment. */
export const execCommand: Command = {
  name: "exec",
  summary: "run a command with the parameters of one or more paths in its environment",
  usage: ["exec <path>... -- <command> [args...]"],
  description:
    "Reads every parameter under each <path> (secrets decrypted) and runs <command> with them added to its environment, named as by export --format dotenv (/app/prod/db/host -> DB_HOST). When two paths give the same name, the later path wins; parameters override variables already set. SIGINT and SIGTERM are forwarded to the command, and its exit code becomes ours (128 + the signal number when a signal ended it; 127 when the command is not found).",
  options: {},
  async run(context) {
    const { positionals, afterTerminator } = context;
    if (positionals.length === 0) throw new UsageError("missing argument <path>");
    if (afterTerminator === undefined) {
      throw new UsageError('missing "--" before the command to run');
    }
    const [program, ...args] = afterTerminator;
    if (program === undefined || program === "") {
      throw new UsageError('missing the command to run after "--"');
    }
    const paths = positionals.map(checkedPath);
    const environment = await readEnvironment(context, paths);
    return runChild(context, program, args, { ...context.io.env, ...environment });
  },
};

async function readEnvironment(
  { ssm, io }: CommandContext,
  paths: readonly string[],
): Promise<Record<string, string>> {
  const client = await ssm();
  const environment: Record<string, string> = {};
  for (const path of paths) {
    const parameters = await listParameters(client, path, {
      decrypt: true,
      progress: progressReporter(io.stderr, `Reading ${path}`),
    });
    if (parameters.length === 0) writeLines(io.stderr, [`No parameters under ${path}.`]);
    for (const [name, { value }] of envVariables(path, parameters)) environment[name] = value;
  }
  return environment;
}

function runChild(
  { io }: CommandContext,
  program: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(program, args, { stdio: "inherit", env, cwd: io.cwd });
    const forward = (signal: NodeJS.Signals) => {
      child.kill(signal);
    };
    for (const signal of FORWARDED_SIGNALS) process.on(signal, forward);
    const finish = (code: number) => {
      for (const signal of FORWARDED_SIGNALS) process.off(signal, forward);
      resolve(code);
    };
    child.once("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") {
        writeLines(io.stderr, [`ssm-config: command not found: ${program}`]);
        finish(NOT_FOUND);
      } else if (error.code === "EACCES") {
        writeLines(io.stderr, [`ssm-config: permission denied: ${program}`]);
        finish(NOT_EXECUTABLE);
      } else {
        writeLines(io.stderr, [`ssm-config: cannot run ${program}: ${error.message}`]);
        finish(ExitCode.problems);
      }
    });
    child.once("exit", (code, signal) => {
      finish(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0));
    });
  });
}
