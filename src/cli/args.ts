import { type ParseArgsConfig, parseArgs } from "node:util";

/** The `options` table of `node:util` `parseArgs`. */
export type OptionTable = NonNullable<ParseArgsConfig["options"]>;

/** Parsed option values: strings, booleans, or lists for repeatable options. */
export type OptionValues = Record<string, string | boolean | Array<string | boolean> | undefined>;

/** One option of a command: how `parseArgs` reads it and how `--help` describes it. */
export interface CommandOption {
  readonly type: "string" | "boolean";
  readonly short?: string;
  /** The option may be given more than once; its values are collected in a list. */
  readonly multiple?: boolean;
  /** Placeholder shown in help for a string option, e.g. `<ms>`. */
  readonly value?: string;
  readonly help: string;
}

/**
 * A mistake in how the CLI was called: unknown command or option, missing or extra argument,
 * a value out of range. The CLI prints it with a pointer to `--help` and exits with 2.
 */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** Options every command accepts. */
export const GLOBAL_OPTIONS: Readonly<Record<string, CommandOption>> = {
  region: {
    type: "string",
    value: "<region>",
    help: "AWS region (default: AWS_REGION, else the profile's, else us-east-1)",
  },
  endpoint: {
    type: "string",
    value: "<url>",
    help: "endpoint URL (default: AWS_ENDPOINT_URL_SSM, else AWS_ENDPOINT_URL)",
  },
  profile: {
    type: "string",
    value: "<name>",
    help: "shared config profile (default: AWS_PROFILE)",
  },
  json: {
    type: "boolean",
    help: "print JSON: results on stdout, an error as one JSON object on stderr",
  },
  debug: { type: "boolean", help: "print an error's stack, not just its message" },
  help: { type: "boolean", short: "h", help: "show help for the command" },
  version: { type: "boolean", help: "print the version of ssm-config" },
};

/** The global options once parsed. */
export interface GlobalOptions {
  readonly region?: string | undefined;
  readonly endpoint?: string | undefined;
  readonly profile?: string | undefined;
  readonly debug: boolean;
  readonly json: boolean;
}

/** A command line split at `--`: positionals before it, everything after it untouched. */
export interface ParsedCommandLine {
  readonly values: OptionValues;
  readonly positionals: string[];
  /** The arguments after `--`, or `undefined` when there was no `--`. */
  readonly afterTerminator: string[] | undefined;
}

/** Converts option descriptions into the table `parseArgs` expects. */
export function optionTable(
  ...groups: Array<Readonly<Record<string, CommandOption>>>
): OptionTable {
  const table: OptionTable = {};
  for (const group of groups) {
    for (const [name, option] of Object.entries(group)) {
      table[name] = {
        type: option.type,
        ...(option.short ? { short: option.short } : {}),
        ...(option.multiple ? { multiple: true } : {}),
      };
    }
  }
  return table;
}

/**
 * Finds the command: the first positional argument, skipping the values of known options, so
 * that global options may come before it (`ssm-config --region eu-west-1 get /x`). Returns the
 * remaining arguments with the command removed.
 */
export function splitCommand(
  argv: readonly string[],
  table: OptionTable,
): { command: string | undefined; rest: string[] } {
  const { tokens } = parseArgs({
    args: [...argv],
    options: table,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  for (const token of tokens) {
    if (token.kind === "option-terminator") break;
    if (token.kind === "positional") {
      const rest = [...argv];
      rest.splice(token.index, 1);
      return { command: token.value, rest };
    }
  }
  return { command: undefined, rest: [...argv] };
}

/**
 * Parses a command's arguments strictly; any mistake becomes a {@link UsageError} in our own
 * words (an unknown option, a missing value, a value given to a flag). `parseArgs` runs
 * leniently and its tokens are checked here, so that none of its own messages reach the user.
 */
export function parseCommandLine(args: readonly string[], table: OptionTable): ParsedCommandLine {
  const parsed = parseArgs({
    args: [...args],
    options: table,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  for (const token of parsed.tokens) {
    if (token.kind === "option-terminator") break;
    if (token.kind !== "option") continue;
    const option = table[token.name];
    if (!option) {
      throw new UsageError(`unknown option ${token.rawName}`);
    }
    if (option.type === "boolean" && token.inlineValue) {
      throw new UsageError(`${token.rawName} takes no value`);
    }
    if (option.type === "string") {
      const value = token.value;
      // `--path --json` would read "--json" as the path: say the value is missing instead.
      if (value === undefined || (!token.inlineValue && value.startsWith("-") && value !== "-")) {
        throw new UsageError(`${token.rawName} needs a value`);
      }
    }
  }
  const terminator = parsed.tokens.find((token) => token.kind === "option-terminator");
  if (!terminator) {
    return { values: parsed.values, positionals: parsed.positionals, afterTerminator: undefined };
  }
  const positionals: string[] = [];
  for (const token of parsed.tokens) {
    if (token.kind === "positional" && token.index < terminator.index) {
      positionals.push(token.value);
    }
  }
  return {
    values: parsed.values,
    positionals,
    afterTerminator: args.slice(terminator.index + 1),
  };
}

/** Every value of a repeatable string option, in order; empty when absent. */
export function stringList(values: OptionValues, name: string): string[] {
  const value = values[name];
  if (typeof value === "string") return [value];
  if (!Array.isArray(value)) return [];
  return value.filter((item): item is string => typeof item === "string");
}

/** A string option's value, or `undefined` when absent. */
export function stringOption(values: OptionValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === "string" ? value : undefined;
}

/** A boolean option's value. */
export function flag(values: OptionValues, name: string): boolean {
  return values[name] === true;
}

/** A string option restricted to `choices`; `fallback` when absent. */
export function choiceOption<const C extends string>(
  values: OptionValues,
  name: string,
  choices: readonly C[],
  fallback: C,
): C {
  const value = stringOption(values, name);
  if (value === undefined) return fallback;
  if (!(choices as readonly string[]).includes(value)) {
    throw new UsageError(
      `--${name} must be one of ${choices.join(", ")}, not ${JSON.stringify(value)}`,
    );
  }
  return value as C;
}

/** Exactly the named positional arguments, or a {@link UsageError} that names what is missing. */
export function expectPositionals(
  positionals: readonly string[],
  names: readonly string[],
): string[] {
  if (positionals.length < names.length) {
    throw new UsageError(`missing argument ${names[positionals.length]}`);
  }
  if (positionals.length > names.length) {
    throw new UsageError(`unexpected argument ${JSON.stringify(positionals[names.length])}`);
  }
  return [...positionals];
}
