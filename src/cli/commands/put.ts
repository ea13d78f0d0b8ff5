import type { ParameterType } from "@aws-sdk/client-ssm";
import { choiceOption, expectPositionals, flag, stringOption, UsageError } from "../args.js";
import { type Command, ExitCode, writeLines } from "../command.js";
import { executePlan, printResult } from "../writes.js";
import { checkedName } from "./paths.js";
import { currentParameter, DRY_RUN, PARAMETER_TYPES, planEntry, readAll } from "./writing.js";

/** `ssm-config put <name> [value]`: creates or overwrites one parameter. */
export const putCommand: Command = {
  name: "put",
  summary: "create or overwrite one parameter",
  usage: [
    "put <name> [value] [--type String|SecureString|StringList] [--key-id <kms key>] [--dry-run]",
  ],
  description:
    "Writes one parameter and prints its new version. A value that starts with - goes after -- (put /app/x -- --flag). Without [value] the value is read from standard input (so that a secret stays out of shell history); one trailing line break is dropped. Overwriting keeps the parameter's type unless --type says otherwise; a new parameter is a String unless --type says otherwise. A value equal to the one stored is not written again (no new version).",
  options: {
    type: { type: "string", value: "<type>", help: "String, SecureString or StringList" },
    "key-id": {
      type: "string",
      value: "<kms key>",
      help: "the KMS key of a SecureString (default: the account's alias/aws/ssm)",
    },
    ...DRY_RUN,
  },
  async run(context) {
    const { options, io } = context;
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
    const json = flag(options, "json");
    const line = `${entry.action.padEnd(9)} ${name} (${type})`;
    if (flag(options, "dry-run") || entry.action === "unchanged") {
      if (!json) {
        const version = entry.action === "unchanged" ? ` version ${current?.version}` : "";
        writeLines(io.stdout, [`${line}${version}`]);
      }
      if (json || flag(options, "dry-run")) {
        const dryRun = flag(options, "dry-run");
        printResult(io, [entry], dryRun ? undefined : { written: [], removed: [] }, json);
      }
      return ExitCode.ok;
    }
    const result = await executePlan(await context.ssm(), [entry], io);
    if (json) printResult(io, [entry], result, true);
    else writeLines(io.stdout, [`${line} version ${result.written[0]?.version ?? "?"}`]);
    return ExitCode.ok;
  },
};

/** The value on standard input, without one trailing line break. */
async function valueFromStdin(
  io: {
    stdin?: (NodeJS.ReadableStream & { isTTY?: boolean }) | undefined;
    stderr: NodeJS.WritableStream;
  },
  name: string,
): Promise<string> {
  const stdin = io.stdin;
  if (!stdin)
    throw new UsageError(
      "missing argument [value], and there is no standard input to read it from",
    );
  if (stdin.isTTY)
    writeLines(io.stderr, [`Value for ${name} (end with Ctrl-D on a line of its own):`]);
  return (await readAll(stdin)).replace(/\r?\n$/, "");
}
