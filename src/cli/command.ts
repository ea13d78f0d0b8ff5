import type { SSMClient } from "@aws-sdk/client-ssm";
import type { SecretScrubber } from "../sensitive.js";
import type { CommandOption, GlobalOptions, OptionValues } from "./args.js";

/** Where a command reads and writes: data to `stdout`, messages to `stderr`. */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** The environment the CLI was started with; `exec` passes it on to the child. */
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** Where `put` reads a value and `delete` asks for confirmation; absent means no input. */
  readonly stdin?: (NodeJS.ReadableStream & { isTTY?: boolean }) | undefined;
}

/** What a command is given to run. */
export interface CommandContext {
  /** Positional arguments (before `--`). */
  readonly positionals: readonly string[];
  /** Arguments after `--`, or `undefined` when there was none. */
  readonly afterTerminator: readonly string[] | undefined;
  readonly options: OptionValues;
  readonly globals: GlobalOptions;
  readonly io: CliIo;
  /** The Parameter Store client, created on first use and destroyed when the command ends. */
  ssm(): Promise<SSMClient>;
  /**
   * Every sensitive value the command has read. Error messages are scrubbed with it, so that no
   * human output prints a string equal to one of them.
   */
  readonly secrets: SecretScrubber;
}

/**
 * One `ssm-config` command: its help text, its own options, and what it does. `run` resolves
 * with the exit code; it throws a `UsageError` for a bad call and lets AWS errors through for
 * the caller to map to exit code 3.
 */
export interface Command {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** Usage lines without the program name, e.g. `get <name> [--reveal] [--json]`. */
  readonly usage: readonly string[];
  /** A paragraph or two shown by `--help`. */
  readonly description: string;
  readonly options: Readonly<Record<string, CommandOption>>;
  run(context: CommandContext): Promise<number>;
}

/** Exit codes of the CLI. */
export const ExitCode = {
  /** Success. */
  ok: 0,
  /** A check found problems: validation issues, differences, conflicting names. */
  problems: 1,
  /** The command was called wrongly. */
  usage: 2,
  /** AWS answered with an error, or could not be reached. */
  aws: 3,
} as const;

/** Writes lines to a stream, each followed by a newline. */
export function writeLines(stream: NodeJS.WritableStream, lines: Iterable<string>): void {
  let text = "";
  for (const line of lines) text += `${line}\n`;
  if (text) stream.write(text);
}

/** Writes a value as indented JSON followed by a newline. */
export function writeJson(stream: NodeJS.WritableStream, value: unknown): void {
  stream.write(`${JSON.stringify(value, null, 2)}\n`);
}
