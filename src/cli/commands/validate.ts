import { isConfigError } from "../../errors/config-error.js";
import { type ConfigIssue, ConfigValidationError } from "../../errors/config-validation-error.js";
import { createConfig } from "../../loader/create-config.js";
import type { KeyCase } from "../../mapping/parameter-names.js";
import type { StandardSchemaV1 } from "../../schema/standard-schema.js";
import type { ConfigSource } from "../../sources/contract.js";
import { type SsmClientLike, ssmSource } from "../../sources/ssm/index.js";
import { choiceOption, expectPositionals, flag, stringOption, UsageError } from "../args.js";
import { type Command, ExitCode, writeJson, writeLines } from "../command.js";
import { countingClient, progressReporter } from "../progress.js";
import { loadSchemaModule } from "../schema-module.js";
import { waitingOn } from "../settling.js";
import { escapeControls } from "../terminal.js";

const KEY_CASES = ["preserve", "camel"] as const;

/** `ssm-config validate --schema <module>`: checks what Parameter Store holds against the app's schema. */
export const validateCommand: Command = {
  name: "validate",
  summary: "check what Parameter Store holds against the application's schema",
  usage: [
    "validate --schema <module>[#export] [--path <path>] [--key-case preserve|camel] [--json]",
  ],
  description: [
    "Imports the application's schema module, loads what Parameter Store holds exactly as the library would, and prints every issue on stdout, one per line: key (parameter): message. Exits with 1 when there is any issue, so it can gate a deployment in CI. Sensitive values never appear, even when the schema's own message echoes one.",
    "The schema is the module's named export after #, else its default export, else its export named schema, else its only Standard Schema export. TypeScript modules (.ts, .mts, .cts) are imported through jiti, which ssm-config brings: nothing to install or register.",
    "The parameters come from --path; without it, from the module's own exports `path` (a string) and `parameters` (key -> parameter name, as for ssmSource).",
  ].join("\n\n"),
  options: {
    schema: {
      type: "string",
      value: "<module>[#export]",
      help: "the module that exports the schema",
    },
    path: { type: "string", value: "<path>", help: "the path to read, recursively" },
    "key-case": { type: "string", value: "<case>", help: "preserve (default) or camel" },
  },
  async run({ positionals, options, ssm, io }) {
    expectPositionals(positionals, []);
    const reference = stringOption(options, "schema");
    if (!reference) throw new UsageError("missing --schema <module>[#export]");
    const keyCase = choiceOption(options, "key-case", KEY_CASES, "preserve");
    const module = await waitingOn(
      "importing the schema module",
      loadSchemaModule(reference, io.cwd),
    );
    const path = stringOption(options, "path") ?? module.path;
    const parameters = stringOption(options, "path") === undefined ? module.parameters : undefined;
    if (path === undefined && parameters === undefined) {
      throw new UsageError(
        "nothing to read: give --path <path>, or export `path` or `parameters` from the schema module",
      );
    }
    const what = path ?? "the module's parameters";
    const progress = progressReporter(io.stderr, `Reading ${what}`);
    const json = flag(options, "json");
    const outcome = await checkAgainstSchema({
      schema: module.schema,
      client: countingClient(await ssm(), progress),
      path,
      parameters,
      keyCase,
      onRead: () => progress.done(),
    });
    progress.done();
    if (outcome.issues.length > 0) {
      printIssues(io, outcome.issues, json);
      const count = outcome.issues.length;
      writeLines(io.stderr, [
        `${count} issue${count === 1 ? "" : "s"}: ${what} does not match the schema (${module.exportName}).`,
      ]);
      return ExitCode.problems;
    }
    if (json) printIssues(io, [], true);
    const keys = outcome.parameterCount;
    writeLines(io.stderr, [
      `OK: ${what} matches the schema (${module.exportName}); ${keys} parameter${keys === 1 ? "" : "s"} read.`,
    ]);
    return ExitCode.ok;
  },
};

/** What {@link checkAgainstSchema} reads and validates with. */
export interface SchemaCheck {
  readonly schema: StandardSchemaV1;
  readonly client: SsmClientLike;
  readonly path?: string | undefined;
  readonly parameters?: Record<string, string> | undefined;
  readonly keyCase: KeyCase;
  /** Called once the values are read, before the issues are printed. */
  readonly onRead?: () => void;
}

/**
 * Loads through `client` exactly as the library would (`ssmSource`, same mapping and `keyCase`)
 * and validates with `schema`: the issues (none when it matches), and how many parameters were
 * read. Used by `validate` on what Parameter Store holds and by `copy --schema` on what a path
 * would hold. A schema whose validation never settles is named by {@link waitingOn}.
 */
export async function checkAgainstSchema(
  check: SchemaCheck,
): Promise<{ issues: readonly ConfigIssue[]; parameterCount: number }> {
  let source: ConfigSource;
  try {
    source = ssmSource({
      client: check.client,
      path: check.path,
      parameters: check.parameters,
      keyCase: check.keyCase,
    });
  } catch (error) {
    // ssmSource checks its options before any call: a bad path or binding is a usage error.
    if (isConfigError(error)) {
      throw new UsageError(`the path or parameters to read are not usable: ${error.message}`);
    }
    throw error;
  }
  const config = createConfig({ schema: check.schema, sources: [source] });
  try {
    await waitingOn("the schema's validation", config.load());
  } catch (error) {
    if (!(error instanceof ConfigValidationError)) throw error;
    check.onRead?.();
    return { issues: error.issues, parameterCount: 0 };
  } finally {
    await config.close();
  }
  return { issues: [], parameterCount: Object.keys(config.versions()).length };
}

/** Prints issues as `validate` does: `key (parameter): message` lines, or a JSON array. */
export function printIssues(
  io: { stdout: NodeJS.WritableStream },
  issues: readonly ConfigIssue[],
  json: boolean,
): void {
  if (json) {
    writeJson(
      io.stdout,
      issues.map((issue) => ({
        key: issue.key,
        parameter: issue.parameter ?? null,
        message: issue.message,
      })),
    );
    return;
  }
  writeLines(
    io.stdout,
    issues.map((issue) => {
      const where = issue.parameter ? `${issue.key} (${issue.parameter})` : issue.key || "(root)";
      return escapeControls(`${where}: ${issue.message}`);
    }),
  );
}
