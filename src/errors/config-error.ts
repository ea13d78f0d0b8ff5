/**
 * The base of every error this library throws on purpose, so that a program can tell ours from
 * anything else with one check.
 *
 * @example
 * try { await config.load(); } catch (error) {
 *   if (isConfigError(error)) log.warn(error.name, error.message);
 * }
 */
export class ConfigError extends Error {
  override readonly name: string = "ConfigError";

  /** Always true; lets {@link isConfigError} recognise our errors across realms. */
  get isConfigError(): true {
    return true;
  }
}

/** True for any error of this library, also across realms or duplicated package copies. */
export function isConfigError(error: unknown): error is ConfigError {
  // Handles cross-realm cases and two copies of the package, where instanceof fails.
  return (
    error instanceof ConfigError ||
    (typeof error === "object" &&
      error !== null &&
      (error as { isConfigError?: unknown }).isConfigError === true)
  );
}
