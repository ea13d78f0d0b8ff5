import { expectPositionals, flag, UsageError } from "../args.js";
import { type Command, ExitCode, writeJson, writeLines } from "../command.js";
import { cell, isoDate } from "../output.js";
import { parameterHistory, shownValue } from "../parameter-listing.js";
import { progressReporter } from "../progress.js";
import { escapeControls } from "../terminal.js";
import { hasSelector } from "./paths.js";

/** `ssm-config history <name>`: every version of a parameter, oldest first. */
export const historyCommand: Command = {
  name: "history",
  summary: "print every version of a parameter",
  usage: ["history <name> [--reveal] [--json]"],
  description:
    "Prints one tab-separated line per version, oldest first: version, date, user, labels (comma-separated, - when none), value. SecureString values print as [REDACTED] unless --reveal is given (only then are they decrypted). A value holding a control character prints as a JSON string. --json prints an array of { version, lastModified, user, labels, type, value }. A version or label selector (name:3) is not allowed: the history covers every version.",
  options: {
    reveal: { type: "boolean", help: "decrypt and print SecureString values" },
  },
  async run({ positionals, options, ssm, io }) {
    const [name] = expectPositionals(positionals, ["<name>"]) as [string];
    if (hasSelector(name)) {
      throw new UsageError(
        `history lists every version of a parameter; give its name without the selector (${name.slice(name.lastIndexOf(":"))})`,
      );
    }
    const reveal = flag(options, "reveal");
    const versions = await parameterHistory(await ssm(), name, {
      decrypt: reveal,
      progress: progressReporter(io.stderr, `Reading the history of ${name}`),
    });
    if (flag(options, "json")) {
      writeJson(
        io.stdout,
        versions.map((version) => ({
          version: version.version,
          lastModified: version.lastModified?.toISOString() ?? null,
          user: version.user ?? null,
          labels: version.labels,
          type: version.type,
          value: shownValue(version, reveal),
        })),
      );
    } else {
      writeLines(
        io.stdout,
        versions.map((version) =>
          [
            version.version,
            isoDate(version.lastModified),
            escapeControls(version.user || "-"),
            version.labels.length ? escapeControls(version.labels.join(",")) : "-",
            cell(shownValue(version, reveal)),
          ].join("\t"),
        ),
      );
    }
    return ExitCode.ok;
  },
};
