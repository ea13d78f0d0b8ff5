import type { ParameterType } from "@aws-sdk/client-ssm";
import { choiceOption, expectPositionals, stringOption, UsageError } from "../args.js";
import { type Command, ExitCode } from "../command.js";
import { applyEntry } from "../writes.js";
import { checkedName } from "./paths.js";
import {
  currentParameter,
  DRY_RUN,
  PARAMETER_TYPES,
  planEntry,
  readAll,
  writingOptions,
} from "./writing.js";

/** `ssm-config put <name> [value]`: creates or overwrites one parameter. */
export const putCommand: Command = {
  name: "put",
  summary: "create or overwrite one parameter",
  usage: [
    "put <name> [value] [--type String|SecureString|StringList] [--key-id <kms key>] [--dry-run]",
  ],
  description:
    "Writes one parameter and prints its new version. A value that starts with - goes after -- (put /app/x -- --flag). Without [value] the value is read from standard input (so that a secret stays out of shell history), which must be a pipe or a file: a terminal is refused, since it would show the value as it is typed. One trailing line break is dropped. Overwriting keeps the parameter's type unless --type says otherwise, and a SecureString keeps its KMS key unless --key-id names another; a new parameter is a String unless --type says otherwise. A value equal to the one stored is not written again (no new version). A value over 4 KB is written in the Intelligent-Tiering tier (Parameter Store makes it Advanced).",
  options: {
    type: { type: "string", value: "<type>", help: "String, SecureString or StringList" },
    "key-id": {
      type: "string",
      value: "<kms key>",
      help: "the KMS key of a SecureString (default: the key it has now, else alias/aws/ssm)",
    },
    ...DRY_RUN,
  },
  async run(context) {
    const { options } = context;
    // `put <name> -- <value>` lets a value start with "-".
    const positionals = [...context.positionals, ...(context.afterTerminator ?? [])];
    if (positionals.length === 0) throw new UsageError("missing argument <name>");
    const [name, given] = expectPositionals(
      positionals,
      positionals.length === 1 ? ["<name>"] : ["<name>", "[value]"],
    ) as [string, string | undefined];
    checkedName(name);
    const requested =
      options.type === undefined
        ? undefined
        : choiceOption(options, "type", PARAMETER_TYPES, "String");
    const keyId = stringOption(options, "key-id");
    const value = given ?? (await valueFromStdin(context.io, name));
    if (value === "") throw new UsageError("Parameter Store does not store an empty value");
    const current = await currentParameter(context, name);
    if (current?.type === "Secret") {
      throw new UsageError(`${name} is a Secrets Manager reference; change the secret instead`);
    }
    const type: ParameterType = requested ?? current?.type ?? "String";
    if (keyId !== undefined && type !== "SecureString") {
      throw new UsageError("--key-id applies to SecureString parameters only");
    }
    if (type === "SecureString") context.secrets.add(value);
    const entry = planEntry({ name, type, value, keyId }, current);
    await applyEntry(
      entry,
      {
        line: `${entry.action.padEnd(9)} ${name} (${type})`,
        unchangedNote: ` version ${current?.version}`,
        written: (version) => ` version ${version}`,
      },
      writingOptions(context, { keepKeys: true }),
    );
    return ExitCode.ok;
  },
};

/**
 * The value on standard input, without one trailing line break. A terminal is refused: it would
 * echo a secret as it is typed (and keep it on screen and in scrollback), so the value must come
 * through a pipe or a file, where nothing is shown.
 */
async function valueFromStdin(
  io: { stdin?: (NodeJS.ReadableStream & { isTTY?: boolean }) | undefined },
  name: string,
): Promise<string> {
  const stdin = io.stdin;
  if (!stdin)
    throw new UsageError(
      "missing argument [value], and there is no standard input to read it from",
    );
  if (stdin.isTTY) {
    throw new UsageError(
      `not reading the value of ${name} from a terminal, which would show it as it is typed; pipe it in (read -rs VALUE && printf %s "$VALUE" | ssm-config put ${name}) or redirect a file (< file)`,
    );
  }
  return (await readAll(stdin)).replace(/\r?\n$/, "");
}
