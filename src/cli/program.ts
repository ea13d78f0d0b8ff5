import { readFileSync } from "node:fs";
import type { SSMClient } from "@aws-sdk/client-ssm";
import { isConfigLoadError } from "../errors/config-load-error.js";
import {
  type CommandOption,
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
import { diffCommand } from "./commands/diff.js";
import { execCommand } from "./commands/exec.js";
import { exportCommand } from "./commands/export.js";
import { getCommand } from "./commands/get.js";
import { historyCommand } from "./commands/history.js";
import { listCommand } from "./commands/list.js";
import { validateCommand } from "./commands/validate.js";
import { watchCommand } from "./commands/watch.js";

/** The program name in messages and help. */
export const PROGRAM = "ssm-config";

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
  let client: SSMClient | undefined;
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
    };
    debug = globals.debug;
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
      ssm: async () => {
        client ??= await createSsmClient(globals, io.env);
        return client;
      },
    });
  } catch (error) {
    return report(io, error, command, debug);
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

/** Prints an error as one line (plus its stack with `--debug`) and picks the exit code. */
function report(io: CliIo, error: unknown, command: Command | undefined, debug: boolean): number {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof UsageError) {
    const help = command ? `${PROGRAM} ${command.name} --help` : `${PROGRAM} --help`;
    writeLines(io.stderr, [`${PROGRAM}: ${message}`, `Run "${help}" for usage.`]);
    return ExitCode.usage;
  }
  const aws = isAwsOrNetworkError(error);
  const phrased = error instanceof AwsCallError || isConfigLoadError(error);
  const line = aws && !phrased ? describeAwsError(error) : singleLine(message);
  writeLines(io.stderr, [`${PROGRAM}: ${line}`]);
  if (debug && error instanceof Error && error.stack) writeLines(io.stderr, [error.stack]);
  // Otherwise a problem in the data (names that overlap or clash) or an unexpected failure.
  return aws ? ExitCode.aws : ExitCode.problems;
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
