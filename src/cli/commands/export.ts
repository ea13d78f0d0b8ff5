import { createConfig } from "../../loader/create-config.js";
import { ssmSource } from "../../sources/ssm/index.js";
import { anyConfig } from "../any-schema.js";
import { choiceOption, expectPositionals, flag, stringList, UsageError } from "../args.js";
import { type Command, ExitCode, writeJson, writeLines } from "../command.js";
import { checkVariables } from "../environment-guard.js";
import { envLines, envVariables } from "../output.js";
import { listParameters } from "../parameter-listing.js";
import { countingClient, progressReporter } from "../progress.js";
import { checkedPath } from "./paths.js";
import { rememberSensitive } from "./writing.js";

const FORMATS = ["json", "dotenv", "env"] as const;
const KEY_CASES = ["preserve", "camel"] as const;

/** `ssm-config export <path>`: everything under a path, secrets included, as JSON or `KEY=value`. */
export const exportCommand: Command = {
  name: "export",
  summary: "print everything under a path as JSON, dotenv or shell assignments",
  usage: [
    "export <path> [--format json|dotenv|env] [--key-case preserve|camel] [--allow-override <NAME>]... [--allow-empty]",
  ],
  description: [
    "Prints every parameter under <path>, recursively. Exporting is explicit, so SecureString values are decrypted and included.",
    "json: the nested object the loader builds (/app/prod/db/host -> { db: { host } }, StringList -> array); --key-case camel turns max-conn into maxConn as the library does.",
    'dotenv: KEY=value lines for dotenv files, Node\'s --env-file and Docker Compose. env: KEY=value lines quoted for POSIX shells (set -a; eval "$(ssm-config export /app/prod --format env)"). Names are the rest of the parameter name uppercased, with /, - and . turned into _ (/app/prod/db/max-conn -> DB_MAX_CONN); a name that is not a shell variable name (1st -> 1ST) is an error naming the parameter, and so is one that would set PATH, NODE_OPTIONS, LD_* or another protected variable unless --allow-override names it.',
    "A path with no parameters is an error (exit 1) unless --allow-empty.",
  ].join("\n\n"),
  options: {
    format: { type: "string", value: "<format>", help: "json (default), dotenv or env" },
    "key-case": {
      type: "string",
      value: "<case>",
      help: "json only: preserve (default) or camel",
    },
    "allow-override": {
      type: "string",
      value: "<NAME>",
      multiple: true,
      help: "dotenv and env: let parameters set this protected variable (repeatable)",
    },
    "allow-empty": {
      type: "boolean",
      help: "print an empty result when the path has no parameters",
    },
  },
  async run({ positionals, options, ssm, io, secrets }) {
    const [rawPath] = expectPositionals(positionals, ["<path>"]) as [string];
    const path = checkedPath(rawPath);
    const format = choiceOption(options, "format", FORMATS, "json");
    if (flag(options, "json") && format !== "json") {
      throw new UsageError(`--json and --format ${format} contradict each other`);
    }
    const allowEmpty = flag(options, "allow-empty");
    const empty = () => {
      if (allowEmpty) {
        writeLines(io.stderr, [`No parameters under ${path}.`]);
        return ExitCode.ok;
      }
      writeLines(io.stderr, [
        `ssm-config: no parameters under ${path}. Check the path, or pass --allow-empty.`,
      ]);
      return ExitCode.problems;
    };
    const keyCase = choiceOption(options, "key-case", KEY_CASES, "preserve");
    if (format !== "json" && options["key-case"] !== undefined) {
      throw new UsageError("--key-case applies to --format json only");
    }
    const progress = progressReporter(io.stderr, `Reading ${path}`);
    if (format !== "json") {
      const parameters = await listParameters(await ssm(), path, { decrypt: true, progress });
      rememberSensitive({ secrets }, parameters);
      if (parameters.length === 0) return empty();
      const variables = envVariables(path, parameters);
      checkVariables(variables, new Set(stringList(options, "allow-override")));
      writeLines(io.stdout, envLines(variables, format));
      return ExitCode.ok;
    }
    const config = createConfig({
      schema: anyConfig,
      sources: [ssmSource({ client: countingClient(await ssm(), progress), path, keyCase })],
    });
    try {
      // export prints secrets on purpose; a snapshot prints redacted, a structured clone does not.
      const tree = structuredClone(await config.load());
      if (Object.keys(config.versions()).length === 0) {
        const code = empty();
        if (code !== ExitCode.ok) return code;
      }
      writeJson(io.stdout, tree);
    } finally {
      progress.done();
      await config.close();
    }
    return ExitCode.ok;
  },
};
