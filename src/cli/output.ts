import { ConfigLoadError } from "../errors/config-load-error.js";
import { segmentsForName } from "../mapping/parameter-names.js";
import { type ListedParameter, plainValue } from "./parameter-listing.js";
import { hasControlCharacters, safeJsonString } from "./terminal.js";

/** The two `KEY=value` formats of `export`: dotenv files, or POSIX shell assignments. */
export type EnvFormat = "dotenv" | "env";

/**
 * The environment variable name of a parameter under `path`: the rest of its name, uppercased,
 * with `/`, `-` and `.` turned into `_`. `/app/prod/db/max-conn` under `/app/prod` -> `DB_MAX_CONN`.
 */
export function envName(path: string, parameterName: string): string {
  const segments = segmentsForName(path, parameterName, "preserve") ?? [parameterName];
  return segments.join("/").toUpperCase().replace(/[/.-]/g, "_");
}

/**
 * The variables of the parameters read from `path`, by name, values unwrapped: exporting and
 * `exec` hand values on on purpose. Two parameters that map to one name are a `ConfigLoadError`
 * naming both, not a silent overwrite.
 */
export function envVariables(
  path: string,
  parameters: readonly ListedParameter[],
): Map<string, { parameter: string; value: string }> {
  const variables = new Map<string, { parameter: string; value: string }>();
  for (const parameter of parameters) {
    const name = envName(path, parameter.name);
    const existing = variables.get(name);
    if (existing) {
      throw new ConfigLoadError(
        `Parameters "${existing.parameter}" and "${parameter.name}" both become the variable ${name}; rename one of them.`,
        { parameter: parameter.name },
      );
    }
    variables.set(name, { parameter: parameter.name, value: plainValue(parameter) });
  }
  return variables;
}

/** Characters that need no quoting in either format. */
const BARE = /^[A-Za-z0-9_./:@%+,=-]+$/;

/**
 * A value quoted for a POSIX shell (`sh`, `bash`, `zsh`), so that `eval` or `.` yields exactly
 * the value: bare when it is plain, otherwise in single quotes, with `'` written as `'\''`.
 */
export function quoteShell(value: string): string {
  if (BARE.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * A value quoted for dotenv parsers (the `dotenv` package, Node's `--env-file`, Docker Compose),
 * so that they read back exactly the value: bare when plain; else single quotes (taken literally,
 * line breaks included); else double quotes when the value holds no `"`, `\` or `$` (which some
 * parsers interpret there); else backticks. `undefined` when no quoting is safe: a value holding
 * `'`, a backtick, and one of `"`, `\`, `$` at once.
 */
export function quoteDotenv(value: string): string | undefined {
  if (BARE.test(value)) return value;
  if (!value.includes("'")) return `'${value}'`;
  if (!/["\\$]/.test(value)) return `"${value}"`;
  if (!value.includes("`")) return `\`${value}\``;
  return undefined;
}

/**
 * `KEY=value` lines in the given format. A value that cannot be written safely for dotenv is a
 * `ConfigLoadError` naming its parameter (never the value).
 */
export function envLines(
  variables: ReadonlyMap<string, { parameter: string; value: string }>,
  format: EnvFormat,
): string[] {
  const lines: string[] = [];
  for (const [name, { parameter, value }] of variables) {
    const quoted = format === "env" ? quoteShell(value) : quoteDotenv(value);
    if (quoted === undefined) {
      throw new ConfigLoadError(
        `The value of "${parameter}" holds a single quote, a backtick and one of " \\ $ at once; no dotenv quoting keeps it intact. Use --format env or json.`,
        { parameter },
      );
    }
    lines.push(`${name}=${quoted}`);
  }
  return lines;
}

/**
 * A value fit for one tab-separated line on a terminal: as is, or as a JSON string when it holds
 * a tab, a line break or any other control character (so that it can neither break the line nor
 * drive the terminal), or starts with `"` (so that a JSON-quoted value is never ambiguous).
 */
export function cell(value: string): string {
  return hasControlCharacters(value) || value.startsWith('"') ? safeJsonString(value) : value;
}

/** A date as ISO 8601, or `-` when unknown. */
export function isoDate(date: Date | undefined): string {
  return date ? date.toISOString() : "-";
}
