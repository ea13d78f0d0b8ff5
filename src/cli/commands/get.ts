import { expectPositionals, flag } from "../args.js";
import { type Command, ExitCode, writeJson, writeLines } from "../command.js";
import { getParameter, shownValue } from "../parameter-listing.js";
import { escapeControls } from "../terminal.js";

/** `ssm-config get <name>`: one parameter's value, redacted when sensitive unless `--reveal`. */
export const getCommand: Command = {
  name: "get",
  summary: "print a parameter's value",
  usage: ["get <name> [--reveal] [--raw] [--json]"],
  description:
    "Prints the value of one parameter. A StringList prints as stored, joined by commas. SecureString values and Secrets Manager secrets (/aws/reference/secretsmanager/<id>) print as [REDACTED] unless --reveal is given. A version or label selector is allowed: name:3, name:stable. Control characters other than line breaks and tabs print as escapes (\\x1b) so that a value cannot drive the terminal; --raw prints the value exactly, --json as { name, type, version, lastModified, value }.",
  options: {
    reveal: { type: "boolean", help: "print SecureString and secret values" },
    raw: { type: "boolean", help: "print the value exactly, control characters included" },
  },
  async run({ positionals, options, ssm, io }) {
    const [name] = expectPositionals(positionals, ["<name>"]) as [string];
    const reveal = flag(options, "reveal");
    const parameter = await getParameter(await ssm(), name, { decrypt: reveal });
    const value = shownValue(parameter, reveal);
    if (flag(options, "json")) {
      writeJson(io.stdout, {
        name: parameter.name,
        type: parameter.type,
        version: parameter.version,
        lastModified: parameter.lastModified?.toISOString() ?? null,
        value,
      });
    } else {
      writeLines(io.stdout, [flag(options, "raw") ? value : escapeControls(value, "\n\t")]);
    }
    return ExitCode.ok;
  },
};
