import {
  GetParametersByPathCommand,
  type Parameter,
  type ParameterType,
} from "@aws-sdk/client-ssm";
import { segmentsForName } from "../../mapping/parameter-names.js";
import type { SsmClientLike } from "../../sources/ssm/index.js";
import { choiceOption, expectPositionals, flag, stringOption, UsageError } from "../args.js";
import { type Command, ExitCode, writeLines } from "../command.js";
import { byName, type ListedParameter, plainValue } from "../parameter-listing.js";
import { loadSchemaModule } from "../schema-module.js";
import { waitingOn } from "../settling.js";
import { applyPlan, type PlanEntry } from "../writes.js";
import { checkedPath } from "./paths.js";
import { checkAgainstSchema, printIssues } from "./validate.js";
import { currentParameters, DRY_RUN, planEntry, writingOptions } from "./writing.js";

const KEY_CASES = ["preserve", "camel"] as const;

/** `ssm-config copy <from-path> <to-path>`: promotes a tree, types kept, optionally schema-gated. */
export const copyCommand: Command = {
  name: "copy",
  summary: "copy every parameter under one path to another (promote), types kept",
  usage: [
    "copy <from-path> <to-path> [--schema <module>#<export>] [--key-case preserve|camel] [--key-id <kms key>] [--delete] [--dry-run]",
  ],
  description: [
    "Copies every parameter under <from-path> to the same key under <to-path> (/app/staging/db/host -> /app/prod/db/host), keeping each parameter's type: a SecureString stays a SecureString, re-encrypted with --key-id when given, else with the account's default key (alias/aws/ssm). Parameters that already hold the same value and type are left alone, so a re-run after a failure writes only what is missing. --delete also removes parameters under <to-path> that <from-path> does not have. A value over 4 KB is written in the Intelligent-Tiering tier (Parameter Store makes it Advanced).",
    "With --schema, the tree <to-path> would hold after the copy is first validated with the application's schema, exactly as validate does (same mapping, same --key-case); if it fails, the issues are printed, nothing is written, and the exit code is 1.",
  ].join("\n\n"),
  options: {
    schema: {
      type: "string",
      value: "<module>[#export]",
      help: "validate the resulting tree with this schema before writing",
    },
    "key-case": {
      type: "string",
      value: "<case>",
      help: "for --schema: preserve (default) or camel",
    },
    "key-id": {
      type: "string",
      value: "<kms key>",
      help: "the KMS key for the SecureStrings written (default: the account's alias/aws/ssm)",
    },
    delete: { type: "boolean", help: "remove parameters under <to-path> that <from-path> lacks" },
    ...DRY_RUN,
  },
  async run(context) {
    const { positionals, options, io } = context;
    const [from, to] = expectPositionals(positionals, ["<from-path>", "<to-path>"]).map(
      checkedPath,
    ) as [string, string];
    if (
      from === to ||
      to.startsWith(`${from}/`) ||
      from.startsWith(`${to}/`) ||
      from === "/" ||
      to === "/"
    ) {
      throw new UsageError(`${from} and ${to} overlap; copy between two separate paths`);
    }
    const keyCase = choiceOption(options, "key-case", KEY_CASES, "preserve");
    const keyId = stringOption(options, "key-id");
    const reference = stringOption(options, "schema");
    if (reference === undefined && options["key-case"] !== undefined) {
      throw new UsageError("--key-case applies with --schema only");
    }
    // Import the schema first: a module that cannot be used stops the command before any read.
    const module =
      reference === undefined
        ? undefined
        : await waitingOn("importing the schema module", loadSchemaModule(reference, io.cwd));
    const source = await currentParameters(context, from);
    if (source.size === 0) {
      writeLines(io.stderr, [`Nothing under ${from}: nothing to copy.`]);
      return ExitCode.problems;
    }
    const destination = await currentParameters(context, to);
    const plan = copyPlan(from, to, source, destination, {
      keyId,
      delete: flag(options, "delete"),
    });
    const json = flag(options, "json");
    if (module) {
      const outcome = await checkAgainstSchema({
        schema: module.schema,
        client: plannedTree(to, destination, plan),
        path: to,
        keyCase,
      });
      if (outcome.issues.length > 0) {
        printIssues(io, outcome.issues, json);
        const count = outcome.issues.length;
        writeLines(io.stderr, [
          `${count} issue${count === 1 ? "" : "s"}: ${to} would not match the schema (${module.exportName}) after the copy; nothing was written.`,
        ]);
        return ExitCode.problems;
      }
      if (!json) {
        writeLines(io.stderr, [
          `OK: ${to} would match the schema (${module.exportName}) after the copy.`,
        ]);
      }
    }
    await applyPlan(
      plan,
      `${from} -> ${to}`,
      // A copy re-encrypts with --key-id, else the destination's default key (CONTRACT §7).
      writingOptions(context, { keepKeys: false }),
    );
    return ExitCode.ok;
  },
};

/** The rest of a name after its path, `db/host`. */
function keyOf(path: string, name: string): string | undefined {
  return segmentsForName(path, name, "preserve")?.join("/");
}

/**
 * The plan that makes `to` hold what `from` holds: `added`, `updated` or `unchanged` per source
 * key, and with `delete`, `removed` for destination keys the source lacks.
 */
export function copyPlan(
  from: string,
  to: string,
  source: ReadonlyMap<string, ListedParameter>,
  destination: ReadonlyMap<string, ListedParameter>,
  options: { keyId?: string | undefined; delete: boolean },
): PlanEntry[] {
  const plan: PlanEntry[] = [];
  const copied = new Set<string>();
  for (const parameter of source.values()) {
    const key = keyOf(from, parameter.name);
    if (key === undefined) continue;
    const name = `${to}/${key}`;
    copied.add(name);
    const type = parameter.type as ParameterType;
    plan.push(
      planEntry(
        {
          name,
          type,
          value: plainValue(parameter),
          keyId: type === "SecureString" ? options.keyId : undefined,
        },
        destination.get(name),
      ),
    );
  }
  if (options.delete) {
    for (const parameter of destination.values()) {
      if (!copied.has(parameter.name)) {
        plan.push({
          name: parameter.name,
          action: "removed",
          type: parameter.type as ParameterType,
        });
      }
    }
  }
  return plan.sort(byName);
}

/**
 * A stand-in for Parameter Store that answers `GetParametersByPath` under `path` with the tree the
 * plan would leave there, so that the schema check runs through the library's own `ssmSource`,
 * mapping and validation, exactly as `validate` does, without writing anything.
 */
function plannedTree(
  path: string,
  destination: ReadonlyMap<string, ListedParameter>,
  plan: readonly PlanEntry[],
): SsmClientLike {
  const tree = new Map<string, Parameter>();
  for (const parameter of destination.values()) {
    tree.set(parameter.name, {
      Name: parameter.name,
      Type: parameter.type as ParameterType,
      Value: plainValue(parameter),
      Version: Number(parameter.version) || 1,
    });
  }
  for (const entry of plan) {
    if (entry.action === "removed") tree.delete(entry.name);
    else if (entry.action !== "unchanged") {
      const version = Number(destination.get(entry.name)?.version ?? 0) + 1;
      tree.set(entry.name, {
        Name: entry.name,
        Type: entry.type,
        Value: plainValue({ value: entry.value ?? "" }),
        Version: version,
      });
    }
  }
  return {
    async send(command) {
      if (!(command instanceof GetParametersByPathCommand)) {
        throw new Error("the schema check of a copy reads only by path");
      }
      const prefix = `${path}/`;
      return { Parameters: [...tree.values()].filter((p) => p.Name?.startsWith(prefix)) };
    },
  };
}
