import { readFileSync } from "node:fs";
import type { SSMClient } from "@aws-sdk/client-ssm";
import { isConfigError } from "../errors/config-error.js";
import { isConfigLoadError } from "../errors/config-load-error.js";
import { SecretScrubber } from "../sensitive.js";
import { awsErrorName } from "../sources/aws/aws-errors.js";
import {
  type CommandOption,
  expectPositionals,
  flag,
  GLOBAL_OPTIONS,
  type GlobalOptions,
  optionTable,
  parseCommandLine,
  splitCommand,
  stringOption,
  UsageError,
} from "./args.js";
import {
  AwsCallError,
  createSsmClient,
  describeAwsError,
  isAwsOrNetworkError,
  singleLine,
} from "./aws.js";
import { type CliIo, type Command, ExitCode, writeLines } from "./command.js";
import { completionScript, SHELLS } from "./commands/completion.js";
import { copyCommand } from "./commands/copy.js";
import { deleteCommand } from "./commands/delete.js";
import { diffCommand } from "./commands/diff.js";
import { execCommand } from "./commands/exec.js";
import { exportCommand } from "./commands/export.js";
import { getCommand } from "./commands/get.js";
import { historyCommand } from "./commands/history.js";
import { iamPolicyCommand } from "./commands/iam-policy.js";
import { importCommand } from "./commands/import.js";
import { listCommand } from "./commands/list.js";
import { putCommand } from "./commands/put.js";
import { rollbackCommand } from "./commands/rollback.js";
import { validateCommand } from "./commands/validate.js";
import { watchCommand } from "./commands/watch.js";
import { pendingActivity } from "./settling.js";
import { escapeControls } from "./terminal.js";
import { WriteIncompleteError } from "./writes.js";

/** The program name in messages and help. */
export const PROGRAM = "ssm-config";

/** `ssm-config completion bash|zsh|fish`: prints a completion script for the shell. */
const completionCommand: Command = {
  name: "completion",
  summary: "print a shell completion script (bash, zsh or fish)",
  usage: ["completion bash|zsh|fish"],
  description:
    'Prints a script that completes ssm-config\'s commands and options. bash: eval "$(ssm-config completion bash)" in ~/.bashrc. zsh: eval "$(ssm-config completion zsh)" in ~/.zshrc. fish: ssm-config completion fish > ~/.config/fish/completions/ssm-config.fish.',
  options: {},
  async run({ positionals, io }) {
    const [shell] = expectPositionals(positionals, ["<shell>"]);
    if (!(SHELLS as readonly string[]).includes(shell ?? "")) {
      throw new UsageError(
        `the shell must be one of ${SHELLS.join(", ")}, not ${JSON.stringify(shell)}`,
      );
    }
    io.stdout.write(
      completionScript(shell as (typeof SHELLS)[number], PROGRAM, COMMANDS, GLOBAL_OPTIONS),
    );
    return ExitCode.ok;
  },
};

/** Every command, in the order `--help` lists them. */
export const COMMANDS: readonly Command[] = [
  getCommand,
  listCommand,
  exportCommand,
  execCommand,
  watchCommand,
  validateCommand,
  historyCommand,
  diffCommand,
  putCommand,
  importCommand,
  copyCommand,
  rollbackCommand,
  deleteCommand,
  iamPolicyCommand,
  completionCommand,
];

/**
 * Runs the CLI on `argv` (without `node` and the script) and resolves with the exit code:
 * 0 success, 1 a check found problems, 2 a usage error, 3 an AWS or network error (or, for
 * `exec`, the command's own exit code). Data goes to `io.stdout`, messages to `io.stderr`.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const everyOption = optionTable(GLOBAL_OPTIONS, ...COMMANDS.map((command) => command.options));
  const { command: name, rest } = splitCommand(argv, everyOption);
  let command: Command | undefined;
  let debug = argv.includes("--debug");
  let json = beforeTerminator(argv).includes("--json");
  let client: SSMClient | undefined;
  const secrets = new SecretScrubber();
  try {
    if (name === undefined || name === "help") {
      return showGeneralHelp(io, argv, rest, name);
    }
    command = COMMANDS.find((candidate) => candidate.name === name);
    if (!command) {
      throw new UsageError(
        `unknown command ${JSON.stringify(name)}; the commands are ${COMMANDS.map((c) => c.name).join(", ")}`,
      );
    }
    const parsed = parseCommandLine(rest, optionTable(GLOBAL_OPTIONS, command.options));
    const globals: GlobalOptions = {
      region: stringOption(parsed.values, "region"),
      endpoint: stringOption(parsed.values, "endpoint"),
      profile: stringOption(parsed.values, "profile"),
      debug: flag(parsed.values, "debug"),
      json: flag(parsed.values, "json"),
    };
    debug = globals.debug;
    json = globals.json;
    if (flag(parsed.values, "help")) {
      writeLines(io.stdout, [commandHelp(command)]);
      return ExitCode.ok;
    }
    if (flag(parsed.values, "version")) {
      writeLines(io.stdout, [version()]);
      return ExitCode.ok;
    }
    return await command.run({
      positionals: parsed.positionals,
      afterTerminator: parsed.afterTerminator,
      options: parsed.values,
      globals,
      io,
      secrets,
      ssm: async () => {
        client ??= await createSsmClient(globals, io.env);
        return client;
      },
    });
  } catch (error) {
    return report(io, error, { command, debug, json, secrets });
  } finally {
    client?.destroy();
  }
}

function showGeneralHelp(
  io: CliIo,
  argv: readonly string[],
  rest: readonly string[],
  name: string | undefined,
): number {
  if (name === "help") {
    const topic = rest.find((arg) => !arg.startsWith("-"));
    const command = COMMANDS.find((candidate) => candidate.name === topic);
    if (topic !== undefined && !command)
      throw new UsageError(`unknown command ${JSON.stringify(topic)}`);
    writeLines(io.stdout, [command ? commandHelp(command) : generalHelp()]);
    return ExitCode.ok;
  }
  if (argv.includes("--version")) {
    writeLines(io.stdout, [version()]);
    return ExitCode.ok;
  }
  if (argv.includes("--help") || argv.includes("-h")) {
    writeLines(io.stdout, [generalHelp()]);
    return ExitCode.ok;
  }
  writeLines(io.stderr, [generalHelp()]);
  return ExitCode.usage;
}

/** The arguments before a `--`: those after it belong to `exec`'s command. */
function beforeTerminator(argv: readonly string[]): readonly string[] {
  const terminator = argv.indexOf("--");
  return terminator === -1 ? argv : argv.slice(0, terminator);
}

/** How {@link report} prints an error. */
interface ReportOptions {
  readonly command: Command | undefined;
  readonly debug: boolean;
  readonly json: boolean;
  readonly secrets: SecretScrubber;
}

/**
 * Prints an error and picks the exit code: one line (plus the stack with `--debug`), or with
 * `--json` one JSON object `{ code, exitCode, message, ... }` on stderr. The message is scrubbed
 * of every sensitive value the command read and of control characters.
 */
function report(io: CliIo, error: unknown, options: ReportOptions): number {
  const { command, debug, json, secrets } = options;
  const clean = (text: string) => escapeControls(secrets.scrub(text));
  const raw = error instanceof Error ? error.message : String(error);
  let exitCode: number;
  let code: string;
  let message: string;
  const lines: string[] = [];
  if (error instanceof UsageError) {
    exitCode = ExitCode.usage;
    code = "usage";
    message = clean(raw);
    const help = command ? `${PROGRAM} ${command.name} --help` : `${PROGRAM} --help`;
    lines.push(`Run "${help}" for usage.`);
  } else {
    const aws = isAwsOrNetworkError(error);
    const phrased =
      error instanceof AwsCallError ||
      error instanceof WriteIncompleteError ||
      isConfigError(error);
    message = clean(aws && !phrased ? describeAwsError(error) : singleLine(raw));
    exitCode = aws ? ExitCode.aws : ExitCode.problems;
    code = aws ? "aws" : "problems";
  }
  const extra: Record<string, unknown> = {};
  if (error instanceof WriteIncompleteError) {
    extra.done = error.done;
    extra.notDone = error.notDone;
    lines.push(
      `Done (${error.done.length}): ${error.done.join(", ") || "none"}`,
      `Not done (${error.notDone.length}): ${error.notDone.join(", ") || "none"}`,
      "Run the same command again to finish: what is already done is left alone.",
    );
  }
  if (isConfigLoadError(error) && error.parameter) extra.parameter = error.parameter;
  const awsName = exitCode === ExitCode.aws ? awsErrorName(innermost(error)) : undefined;
  if (awsName && awsName !== "Error") extra.awsError = awsName;
  if (json) {
    io.stderr.write(`${JSON.stringify({ code, exitCode, message, ...extra })}\n`);
    return exitCode;
  }
  writeLines(io.stderr, [`${PROGRAM}: ${message}`, ...lines]);
  if (debug && error instanceof Error && error.stack) {
    writeLines(io.stderr, error.stack.split("\n").map(clean));
  }
  return exitCode;
}

/** The deepest `cause` of an error: the AWS error under our wrappers. */
function innermost(error: unknown): unknown {
  let current = error;
  for (let depth = 0; depth < 10; depth++) {
    const cause = (current as { cause?: unknown } | null)?.cause;
    if (cause === undefined || cause === null) return current;
    current = cause;
  }
  return current;
}

/**
 * What to print when the event loop empties while a command is still waiting: a promise that
 * can never settle (a schema's `validate` or a module's top-level await that nothing resolves).
 * Node would exit with 13 and no message; we say what never finished and exit with 2.
 */
export function reportUnsettled(argv: readonly string[], io: CliIo): number {
  const what = pendingActivity() ?? "the command";
  const message = `${what} never finished: it waits on a promise that nothing will settle (nothing is left to run). Check that the schema's validate() and the module's top-level code resolve.`;
  if (beforeTerminator(argv).includes("--json")) {
    io.stderr.write(`${JSON.stringify({ code: "usage", exitCode: ExitCode.usage, message })}\n`);
  } else {
    writeLines(io.stderr, [`${PROGRAM}: ${message}`]);
  }
  return ExitCode.usage;
}

/** The package version, read from package.json beside `dist/` (or `src/`). */
export function version(): string {
  const manifest = JSON.parse(
    readFileSync(new URL("../../package.json", import.meta.url), "utf8"),
  ) as { version?: string };
  return manifest.version ?? "unknown";
}

function generalHelp(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length)) + 2;
  return [
    `Usage: ${PROGRAM} <command> [options]`,
    "",
    "Typed configuration from AWS Systems Manager Parameter Store, from the command line.",
    "",
    "Commands:",
    ...COMMANDS.map((command) => `  ${command.name.padEnd(width)}${command.summary}`),
    "",
    "Global options:",
    ...optionLines(GLOBAL_OPTIONS),
    "",
    "Exit codes: 0 success, 1 a check found problems (validation issues, differences),",
    "2 usage error, 3 AWS or network error. Data goes to stdout, messages to stderr.",
    "",
    `Run "${PROGRAM} <command> --help" for a command's options.`,
  ].join("\n");
}

/** The `--help` text of one command. */
export function commandHelp(command: Command): string {
  const ownOptions = Object.keys(command.options).length
    ? ["", "Options:", ...optionLines(command.options)]
    : [];
  return [
    ...command.usage.map(
      (usage, index) => `${index === 0 ? "Usage:" : "      "} ${PROGRAM} ${usage}`,
    ),
    "",
    ...wrap(command.description, 80),
    ...ownOptions,
    "",
    "Global options:",
    ...optionLines(GLOBAL_OPTIONS),
  ].join("\n");
}

function optionLines(options: Readonly<Record<string, CommandOption>>): string[] {
  const labels = Object.entries(options).map(([name, option]) => {
    const short = option.short ? `-${option.short}, ` : "";
    return [`${short}--${name}${option.value ? ` ${option.value}` : ""}`, option.help] as const;
  });
  const width = Math.max(...labels.map(([label]) => label.length)) + 2;
  return labels.map(([label, help]) => `  ${label.padEnd(width)}${help}`);
}

/** Wraps paragraphs (separated by blank lines) at `width` columns. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const [index, paragraph] of text.split("\n\n").entries()) {
    if (index > 0) lines.push("");
    let line = "";
    for (const word of paragraph.split(/\s+/)) {
      if (line && line.length + 1 + word.length > width) {
        lines.push(line);
        line = word;
      } else {
        line = line ? `${line} ${word}` : word;
      }
    }
    if (line) lines.push(line);
  }
  return lines;
}
