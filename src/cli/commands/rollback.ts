import { DescribeParametersCommand, type ParameterType } from "@aws-sdk/client-ssm";
import { expectPositionals, flag, stringOption, UsageError } from "../args.js";
import { callAws } from "../aws.js";
import { type Command, ExitCode, writeLines } from "../command.js";
import { parameterHistory, plainValue } from "../parameter-listing.js";
import { progressReporter } from "../progress.js";
import { executePlan, printResult } from "../writes.js";
import { checkedName } from "./paths.js";
import { DRY_RUN, planEntry, rememberSensitive } from "./writing.js";

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
    const keyId =
      stringOption(options, "key-id") ??
      (type === "SecureString" ? await currentKeyId(client, name) : undefined);
    const entry = planEntry({ name, type, value: plainValue(target), keyId }, current);
    const json = flag(options, "json");
    const line = `${entry.action.padEnd(9)} ${name} (${type}) to the value of version ${to}`;
    if (flag(options, "dry-run") || entry.action === "unchanged") {
      if (!json) {
        const note =
          entry.action === "unchanged" ? `; version ${current.version} already holds it` : "";
        writeLines(io.stdout, [`${line}${note}`]);
      }
      if (json || flag(options, "dry-run")) {
        const dryRun = flag(options, "dry-run");
        printResult(io, [entry], dryRun ? undefined : { written: [], removed: [] }, json);
      }
      return ExitCode.ok;
    }
    const result = await executePlan(client, [entry], io);
    if (json) printResult(io, [entry], result, true);
    else writeLines(io.stdout, [`${line}: version ${result.written[0]?.version ?? "?"}`]);
    return ExitCode.ok;
  },
};

/** The KMS key a SecureString is encrypted with now, so that a rollback keeps it. */
async function currentKeyId(
  client: Awaited<ReturnType<Parameters<Command["run"]>[0]["ssm"]>>,
  name: string,
): Promise<string | undefined> {
  const response = await callAws(name, () =>
    client.send(
      new DescribeParametersCommand({
        ParameterFilters: [{ Key: "Name", Option: "Equals", Values: [name] }],
      }),
    ),
  );
  return response.Parameters?.[0]?.KeyId;
}
