import { spawn } from "node:child_process";
import { accessSync, constants as fs, statSync } from "node:fs";
import { constants } from "node:os";
import { delimiter, isAbsolute, join, resolve } from "node:path";
import { flag, stringList, UsageError } from "../args.js";
import { type Command, type CommandContext, ExitCode, writeLines } from "../command.js";
import { checkVariables } from "../environment-guard.js";
import { envVariables } from "../output.js";
import { listParameters } from "../parameter-listing.js";
import { progressReporter } from "../progress.js";
import { checkedPath } from "./paths.js";
import { rememberSensitive } from "./writing.js";

/** The exit codes shells use when a command cannot be run. */
const NOT_EXECUTABLE = 126;
const NOT_FOUND = 127;

const FORWARDED_SIGNALS = ["SIGINT", "SIGTERM"] as const;

/** `ssm-config exec <path>... -- <command>`: runs a command with the parameters in its environment. */
export const execCommand: Command = {
  name: "exec",
  summary: "run a command with the parameters of one or more paths in its environment",
  usage: ["exec <path>... [--allow-override <NAME>]... [--allow-empty] -- <command> [args...]"],
  description: [
    "Reads every parameter under each <path> (secrets decrypted) and runs <command> with them added to its environment, named as by export --format dotenv (/app/prod/db/host -> DB_HOST). When two paths give the same name, the later path wins; parameters override variables already set. SIGINT and SIGTERM are forwarded to the command, and its exit code becomes ours (128 + the signal number when a signal ended it; 127 when the command is not found).",
    "Parameter Store cannot choose the code that runs: <command> is looked up in ssm-config's own PATH, and parameters may not set PATH, NODE_OPTIONS, LD_*, DYLD_* and the other loader and interpreter variables listed in docs/CLI.md unless --allow-override names them. A path with no parameters is an error (exit 1) unless --allow-empty.",
  ].join("\n\n"),
  options: {
    "allow-override": {
      type: "string",
      value: "<NAME>",
      multiple: true,
      help: "let parameters set this protected variable (repeatable)",
    },
    "allow-empty": { type: "boolean", help: "run even when a path has no parameters" },
  },
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
    if (environment === undefined) return ExitCode.problems;
    // Looked up before the parameters are applied: a parameter named "path" must not choose it.
    const executable = findExecutable(program, context.io.env.PATH ?? "", context.io.cwd);
    if (executable === undefined) {
      writeLines(context.io.stderr, [`ssm-config: command not found: ${program}`]);
      return NOT_FOUND;
    }
    return runChild(context, executable, program, args, { ...context.io.env, ...environment });
  },
};

/**
 * The variables of every path, later paths winning, checked by {@link checkVariables}; or
 * `undefined` after saying so when a path is empty and `--allow-empty` was not given.
 */
async function readEnvironment(
  { ssm, io, options, secrets }: CommandContext,
  paths: readonly string[],
): Promise<Record<string, string> | undefined> {
  const client = await ssm();
  const allowEmpty = flag(options, "allow-empty");
  const allowed = new Set(stringList(options, "allow-override"));
  const environment: Record<string, string> = {};
  for (const path of paths) {
    const parameters = await listParameters(client, path, {
      decrypt: true,
      progress: progressReporter(io.stderr, `Reading ${path}`),
    });
    rememberSensitive({ secrets }, parameters);
    if (parameters.length === 0) {
      if (!allowEmpty) {
        writeLines(io.stderr, [
          `ssm-config: no parameters under ${path}; nothing was run. Check the path, or pass --allow-empty.`,
        ]);
        return undefined;
      }
      writeLines(io.stderr, [`No parameters under ${path}.`]);
    }
    const variables = envVariables(path, parameters);
    checkVariables(variables, allowed);
    for (const [name, { value }] of variables) environment[name] = value;
  }
  return environment;
}

/**
 * The file `spawn` should run: `program` itself when it holds a "/", else the first executable
 * file named `program` in `searchPath` (ssm-config's own PATH, never the child's).
 */
export function findExecutable(
  program: string,
  searchPath: string,
  cwd: string,
): string | undefined {
  if (program.includes("/")) return isAbsolute(program) ? program : resolve(cwd, program);
  for (const directory of searchPath.split(delimiter)) {
    // An empty entry means the working directory, as for a shell.
    const candidate = resolve(cwd, join(directory || ".", program));
    try {
      if (!statSync(candidate).isFile()) continue;
      accessSync(candidate, fs.X_OK);
      return candidate;
    } catch {
      // Not there, or not executable: keep looking, as a shell does.
    }
  }
  return undefined;
}

function runChild(
  { io }: CommandContext,
  executable: string,
  program: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<number> {
  return new Promise((resolve) => {
    // argv[0] stays what the user typed; the file is the one found in our own PATH.
    const child = spawn(executable, args, { stdio: "inherit", env, cwd: io.cwd, argv0: program });
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
        writeLines(io.stderr, [`ssm-config: cannot run ${program}: ${error.code ?? "error"}`]);
        finish(ExitCode.problems);
      }
    });
    child.once("exit", (code, signal) => {
      finish(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0));
    });
  });
}
