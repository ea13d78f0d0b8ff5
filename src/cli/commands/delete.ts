import { createInterface } from "node:readline";
import { GetParametersCommand, type ParameterType, type SSMClient } from "@aws-sdk/client-ssm";
import { chunk } from "../../sources/aws/batches.js";
import { flag, stringOption, UsageError } from "../args.js";
import { callAws } from "../aws.js";
import { type CliIo, type Command, ExitCode, writeLines } from "../command.js";
import { listParameters } from "../parameter-listing.js";
import { progressReporter } from "../progress.js";
import { applyPlan, executePlan, type PlanEntry, printPlan, printResult } from "../writes.js";
import { checkedName, checkedPath } from "./paths.js";
import { DRY_RUN, writingOptions } from "./writing.js";

/** `ssm-config delete <name>...` / `delete --path <path>`: deletes, after a confirmation. */
export const deleteCommand: Command = {
  name: "delete",
  summary: "delete parameters by name, or everything under a path",
  usage: ["delete <name>... [--yes] [--dry-run]", "delete --path <path> [--yes] [--dry-run]"],
  description:
    "Deletes the named parameters, or every parameter under --path (recursively), ten names a request. Prints the plan first. Without --yes (or --dry-run) it asks for confirmation when standard input is a terminal, and otherwise refuses at once (exit 2), before reading anything, so that a script never deletes by accident. Names that do not exist are reported as absent and skipped, so a re-run after a failure finishes the job.",
  options: {
    path: { type: "string", value: "<path>", help: "delete every parameter under this path" },
    yes: { type: "boolean", short: "y", help: "delete without asking" },
    ...DRY_RUN,
  },
  async run(context) {
    const { positionals, options, io } = context;
    const rawPath = stringOption(options, "path");
    if (rawPath !== undefined && positionals.length > 0) {
      throw new UsageError("give either names or --path, not both");
    }
    if (rawPath === undefined && positionals.length === 0) {
      throw new UsageError("missing argument <name> (or --path <path>)");
    }
    const json = flag(options, "json");
    const dryRun = flag(options, "dry-run");
    const confirmFirst = !flag(options, "yes") && !dryRun;
    // Refused before any call and any plan line: a script that forgot --yes learns it at once,
    // and neither an AWS failure nor a list of names gets in the way of that answer.
    if (confirmFirst && !io.stdin?.isTTY) {
      throw new UsageError(
        "refusing to delete without --yes (standard input is not a terminal to ask on); add --dry-run to see what would be deleted",
      );
    }
    const client = await context.ssm();
    let plan: PlanEntry[];
    let what: string;
    if (rawPath !== undefined) {
      const path = checkedPath(rawPath);
      if (path === "/") throw new UsageError("refusing to delete everything under /");
      what = path;
      const listed = await listParameters(client, path, {
        decrypt: false,
        progress: progressReporter(io.stderr, `Reading ${path}`),
      });
      plan = listed.map((parameter) => ({
        name: parameter.name,
        action: "removed",
        type: parameter.type as ParameterType,
      }));
    } else {
      const names = [...new Set(positionals.map(checkedName))];
      what = names.length === 1 ? (names[0] as string) : `${names.length} parameters`;
      const { found, absent } = await existing(client, names);
      if (absent.length && !json) {
        writeLines(
          io.stderr,
          absent.map((name) => `absent    ${name} (nothing to delete)`),
        );
      }
      plan = found.map(({ name, type }) => ({ name, action: "removed", type }));
    }
    if (plan.length === 0) {
      if (json) printResult(io, plan, dryRun ? undefined : { written: [], removed: [] }, true);
      else writeLines(io.stderr, [`Nothing to delete for ${what}.`]);
      return ExitCode.ok;
    }
    if (confirmFirst) {
      printPlan(io, plan, what, json);
      const count = `${plan.length} parameter${plan.length === 1 ? "" : "s"}`;
      if (!(await confirm(io, `Delete ${count}? Type "yes" to confirm: `))) {
        writeLines(io.stderr, ["Nothing was deleted."]);
        return ExitCode.usage;
      }
      printResult(io, plan, await executePlan(client, plan, io), json);
    } else {
      await applyPlan(plan, what, writingOptions(context, { keepKeys: false }));
    }
    return ExitCode.ok;
  },
};

/** Which of `names` exist (with their types), ten names a request, without decrypting. */
async function existing(
  client: SSMClient,
  names: readonly string[],
): Promise<{ found: Array<{ name: string; type: ParameterType }>; absent: string[] }> {
  const found: Array<{ name: string; type: ParameterType }> = [];
  const absent: string[] = [];
  for (const batch of chunk(names, 10)) {
    const response = await callAws(batch.join(", "), () =>
      client.send(new GetParametersCommand({ Names: batch, WithDecryption: false })),
    );
    for (const parameter of response.Parameters ?? []) {
      found.push({ name: parameter.Name ?? "", type: parameter.Type ?? "String" });
    }
    absent.push(...(response.InvalidParameters ?? []));
  }
  const order = new Map(names.map((name, index) => [name, index]));
  found.sort((a, b) => (order.get(a.name) ?? 0) - (order.get(b.name) ?? 0));
  return { found, absent };
}

/** Asks on the terminal; true only for "y" or "yes". */
async function confirm(io: CliIo, question: string): Promise<boolean> {
  const input = io.stdin;
  if (!input) return false;
  const prompt = createInterface({ input, output: io.stderr, terminal: false });
  try {
    io.stderr.write(question);
    const answer = await new Promise<string>((resolve) => {
      prompt.once("line", resolve);
      prompt.once("close", () => resolve(""));
    });
    return /^\s*y(es)?\s*$/i.test(answer);
  } finally {
    prompt.close();
  }
}
