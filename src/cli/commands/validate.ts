import { isConfigLoadError } from "../../errors/config-load-error.js";
import { type ConfigIssue, ConfigValidationError } from "../../errors/config-validation-error.js";
import { createConfig } from "../../loader/create-config.js";
import type { ConfigSource } from "../../sources/contract.js";
import { ssmSource } from "../../sources/ssm/index.js";
import { choiceOption, expectPositionals, flag, stringOption, UsageError } from "../args.js";
import { type Command, ExitCode, writeJson, writeLines } from "../command.js";
import { countingClient, progressReporter } from "../progress.js";
import { loadSchemaModule } from "../schema-module.js";

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
    "The schema is the module's named export after #, else its default export, else its export named schema, else its only Standard Schema export. TypeScript modules are imported through tsx when it is installed (in the module's project or beside ssm-config); otherwise run with NODE_OPTIONS=\"--import tsx\" or point at the compiled JavaScript.",
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
    json: {
      type: "boolean",
      help: "print the issues as a JSON array of { key, parameter, message }",
    },
  },
  async run({ positionals, options, ssm, io }) {
    expectPositionals(positionals, []);
    const reference = stringOption(options, "schema");
    if (!reference) throw new UsageError("missing --schema <module>[#export]");
    const keyCase = choiceOption(options, "key-case", KEY_CASES, "preserve");
    const module = await loadSchemaModule(reference, io.cwd);
    const path = stringOption(options, "path") ?? module.path;
    const parameters = stringOption(options, "path") === undefined ? module.parameters : undefined;
    if (path === undefined && parameters === undefined) {
      throw new UsageError(
        "nothing to read: give --path <path>, or export `path` or `parameters` from the schema module",
      );
    }
    const what = path ?? "the module's parameters";
    const progress = progressReporter(io.stderr, `Reading ${what}`);
    let source: ConfigSource;
    try {
      source = ssmSource({
        client: countingClient(await ssm(), progress),
        path,
        parameters,
        keyCase,
      });
    } catch (error) {
      if (isConfigLoadError(error)) throw new UsageError(error.message.replace(/^ssmSource: /, ""));
      throw error;
    }
    const config = createConfig({ schema: module.schema, sources: [source] });
    const json = flag(options, "json");
    try {
      await config.load();
    } catch (error) {
      if (!(error instanceof ConfigValidationError)) throw error;
      progress.done();
      printIssues(io, error.issues, json);
      const count = error.issues.length;
      writeLines(io.stderr, [
        `${count} issue${count === 1 ? "" : "s"}: ${what} does not match the schema (${module.exportName}).`,
      ]);
      return ExitCode.problems;
    } finally {
      progress.done();
      await config.close();
    }
    if (json) printIssues(io, [], true);
    const keys = Object.keys(config.versions()).length;
    writeLines(io.stderr, [
      `OK: ${what} matches the schema (${module.exportName}); ${keys} parameter${keys === 1 ? "" : "s"} read.`,
    ]);
    return ExitCode.ok;
  },
};

function printIssues(
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
      return `${where}: ${issue.message}`;
    }),
  );
}
