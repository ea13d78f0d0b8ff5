import { ConfigError } from "./config-error.js";
import { hasName } from "./config-load-error.js";

/** One problem found by the schema, tied back to the configuration key and its parameter. */
export interface ConfigIssue {
  /** The dotted configuration key, e.g. `db.port`. */
  key: string;
  /** The parameter (or secret) the key was read from, when one is known. */
  parameter?: string;
  /** What is wrong, free of any sensitive value. */
  message: string;
}

/**
 * The values read fail the schema. `issues` lists every failing key at once; the message lists
 * them one per line. Neither ever contains a sensitive value, even when a schema's own message
 * echoes its input.
 *
 * @example
 * config.on("error", (error) => {
 *   if (error instanceof ConfigValidationError) for (const i of error.issues) log(i.key, i.message);
 * });
 */
export class ConfigValidationError extends ConfigError {
  override readonly name = "ConfigValidationError" as const;
  /** Every failing key, in the schema's order. */
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    super(formatIssues(issues));
    this.issues = Object.freeze(issues.map((issue) => Object.freeze({ ...issue })));
  }
}

function formatIssues(issues: readonly ConfigIssue[]): string {
  const count = issues.length === 1 ? "1 issue" : `${issues.length} issues`;
  const lines = issues.map((issue) => {
    const where = issue.parameter ? `${issue.key} (${issue.parameter})` : issue.key || "(root)";
    return `  - ${where}: ${issue.message}`;
  });
  return [`Configuration does not match the schema (${count}); fix these values:`, ...lines].join(
    "\n",
  );
}

/**
 * True for a `ConfigValidationError`, also across realms or duplicated package copies: it checks
 * the stable `name`, since `instanceof` fails across realms.
 */
export function isConfigValidationError(error: unknown): error is ConfigValidationError {
  return error instanceof ConfigValidationError || hasName(error, "ConfigValidationError");
}
