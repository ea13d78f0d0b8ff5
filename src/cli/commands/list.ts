import { expectPositionals, flag } from "../args.js";
import { type Command, ExitCode, writeJson, writeLines } from "../command.js";
import { cell } from "../output.js";
import { listParameters, shownValue } from "../parameter-listing.js";
import { progressReporter } from "../progress.js";
import { checkedPath } from "./paths.js";

/** `ssm-config list <path>`: every parameter under a path, one line each. */
export const listCommand: Command = {
  name: "list",
  summary: "list the parameters under a path, recursively",
  usage: ["list <path> [--reveal] [--json]"],
  description:
    "Prints one tab-separated line per parameter under <path>, recursively, sorted by name: name, type, version, value. Sensitive values print as [REDACTED] unless --reveal is given (only then are they decrypted). A value holding a tab, a line break or another control character prints as a JSON string, so that it cannot drive the terminal. --json prints an array of { name, type, version, lastModified, value }, values exact.",
  options: {
    reveal: { type: "boolean", help: "decrypt and print SecureString values" },
  },
  async run({ positionals, options, ssm, io }) {
    const [rawPath] = expectPositionals(positionals, ["<path>"]) as [string];
    const path = checkedPath(rawPath);
    const reveal = flag(options, "reveal");
    const parameters = await listParameters(await ssm(), path, {
      decrypt: reveal,
      progress: progressReporter(io.stderr, `Reading ${path}`),
    });
    if (flag(options, "json")) {
      writeJson(
        io.stdout,
        parameters.map((parameter) => ({
          name: parameter.name,
          type: parameter.type,
          version: parameter.version,
          lastModified: parameter.lastModified?.toISOString() ?? null,
          value: shownValue(parameter, reveal),
        })),
      );
    } else {
      writeLines(
        io.stdout,
        parameters.map((parameter) =>
          [
            parameter.name,
            parameter.type,
            parameter.version,
            cell(shownValue(parameter, reveal)),
          ].join("\t"),
        ),
      );
    }
    if (parameters.length === 0) writeLines(io.stderr, [`No parameters under ${path}.`]);
    return ExitCode.ok;
  },
};
