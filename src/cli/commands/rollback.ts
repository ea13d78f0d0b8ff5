import type { ParameterType } from "@aws-sdk/client-ssm";
import { expectPositionals, stringOption, UsageError } from "../args.js";
import { type Command, ExitCode } from "../command.js";
import { parameterHistory, plainValue } from "../parameter-listing.js";
import { progressReporter } from "../progress.js";
import { applyEntry } from "../writes.js";
import { checkedName } from "./paths.js";
import { DRY_RUN, planEntry, rememberSensitive, writingOptions } from "./writing.js";

/** `ssm-config rollback <name> --to <version>`: writes an earlier version's value as a new version. */
export const rollbackCommand: Command = {
  name: "rollback",
  summary: "write the value of an earlier version as a new version",
  usage: ["rollback <name> --to <version> [--key-id <kms key>] [--dry-run]"],
  description:
    "Reads the history of <name> and writes the value of version --to as a new version, with that version's type. A SecureString keeps its current KMS key unless --key-id names another. When the current version already holds that value and type, nothing is written. Prints the new version.",
  options: {
    to: { type: "string", value: "<version>", help: "the version whose value to restore" },
    "key-id": {
      type: "string",
      value: "<kms key>",
      help: "the KMS key of a SecureString (default: the key it has now)",
    },
    ...DRY_RUN,
  },
  async run(context) {
    const { positionals, options, io } = context;
    const [name] = expectPositionals(positionals, ["<name>"]) as [string];
    checkedName(name);
    const to = stringOption(options, "to");
    if (to === undefined) throw new UsageError("missing --to <version>");
    if (!/^[1-9]\d*$/.test(to)) {
      throw new UsageError(`--to must be a version number such as 3, not ${JSON.stringify(to)}`);
    }
    const client = await context.ssm();
    const versions = await parameterHistory(client, name, {
      decrypt: true,
      progress: progressReporter(io.stderr, `Reading the history of ${name}`),
    });
    rememberSensitive(context, versions);
    const target = versions.find((version) => String(version.version) === to);
    const current = versions.at(-1);
    if (!target || !current) {
      const known = versions.map((version) => version.version);
      throw new UsageError(
        `${name} has no version ${to} (its versions: ${known.length ? `${known[0]} to ${known.at(-1)}` : "none"}; Parameter Store keeps the last 100)`,
      );
    }
    const type = target.type as ParameterType;
    const keyId = stringOption(options, "key-id");
    const entry = planEntry({ name, type, value: plainValue(target), keyId }, current);
    await applyEntry(
      entry,
      {
        line: `${entry.action.padEnd(9)} ${name} (${type}) to the value of version ${to}`,
        unchangedNote: `; version ${current.version} already holds it`,
        written: (version) => `: version ${version}`,
      },
      // A SecureString keeps its current KMS key unless --key-id names another.
      writingOptions(context, { keepKeys: true }),
    );
    return ExitCode.ok;
  },
};
