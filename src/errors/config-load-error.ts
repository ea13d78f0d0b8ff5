/** Options of {@link ConfigLoadError}. */
export interface ConfigLoadErrorOptions {
  /** The parameter (or secret) the failure concerns, when there is one. */
  parameter?: string | undefined;
  /** The underlying AWS or I/O error. */
  cause?: unknown;
}

/**
 * The configuration could not be read: the backend failed or denied access, the mapping of
 * names to keys is ambiguous, the options are wrong, or the snapshot was read before the first
 * successful load. `parameter` names the parameter concerned; `cause` holds the AWS error.
 *
 * @example
 * try { await config.load(); } catch (error) {
 *   if (error instanceof ConfigLoadError) console.error(error.parameter, error.cause);
 * }
 */
export class ConfigLoadError extends Error {
  override readonly name = "ConfigLoadError" as const;
  /** The parameter (or secret) the failure concerns, when there is one. */
  readonly parameter?: string;

  constructor(message: string, options: ConfigLoadErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    if (options.parameter !== undefined) this.parameter = options.parameter;
  }
}

/** True for a `ConfigLoadError`, also across realms or duplicated package copies. */
export function isConfigLoadError(error: unknown): error is ConfigLoadError {
  return error instanceof Error && error.name === "ConfigLoadError";
}
