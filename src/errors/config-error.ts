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

/**
 * True for any error of this library, also across realms (a `vm` context, a worker's message)
 * or when two copies of the package are installed, where `instanceof` fails. Together with
 * `isConfigLoadError`, `isConfigValidationError` and `isConfigListenerError`, it lets a program
 * branch on our errors without `instanceof`:
 *
 * @example
 * if (isConfigLoadError(error) && error.reason === "aws") retryLater();
 * else if (isConfigValidationError(error)) for (const issue of error.issues) log(issue.key);
 * else if (isConfigError(error)) log(error.name, error.message);
 */
export function isConfigError(error: unknown): error is ConfigError {
  // Handles cross-realm cases and two copies of the package, where instanceof fails.
  if (error instanceof ConfigError) return true;
  try {
    return (
      typeof error === "object" &&
      error !== null &&
      (error as { isConfigError?: unknown }).isConfigError === true
    );
  } catch {
    // A hostile object (a throwing getter, a revoked Proxy) is not one of ours.
    return false;
  }
}
