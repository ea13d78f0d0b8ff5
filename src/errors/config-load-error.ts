import { ConfigError } from "./config-error.js";

/**
 * Why a configuration could not be read, for programs that branch on it:
 * - `options`: a factory was called with options it cannot use (nothing was called);
 * - `aws`: a backend call failed, was denied or timed out (`cause` holds the AWS error);
 * - `mapping`: names cannot be turned into keys (two names on one key, a value and a parent);
 * - `lifecycle`: the loader was read before its first load, or used after `close()`;
 * - `source`: a local source (a file, memory) could not be read.
 */
export type ConfigLoadErrorReason = "options" | "aws" | "mapping" | "lifecycle" | "source";

/** Options of {@link ConfigLoadError}. */
export interface ConfigLoadErrorOptions {
  /** The parameter (or secret) the failure concerns, when there is one. */
  parameter?: string | undefined;
  /** The underlying AWS or I/O error. */
  cause?: unknown;
  /** Why it failed. @default "aws" */
  reason?: ConfigLoadErrorReason | undefined;
}

/**
 * The configuration could not be read: the backend failed or denied access, the mapping of
 * names to keys is ambiguous, the options are wrong, or the snapshot was read before the first
 * successful load. `parameter` names the parameter concerned; `cause` holds the AWS error;
 * `reason` says which of these it was.
 *
 * @example
 * try { await config.load(); } catch (error) {
 *   if (isConfigLoadError(error) && error.reason === "aws") console.error(error.parameter, error.cause);
 * }
 */
export class ConfigLoadError extends ConfigError {
  override readonly name = "ConfigLoadError" as const;
  /** The parameter (or secret) the failure concerns, when there is one. */
  readonly parameter?: string;
  /** Why it failed. */
  readonly reason: ConfigLoadErrorReason;

  constructor(message: string, options: ConfigLoadErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    if (options.parameter !== undefined) this.parameter = options.parameter;
    this.reason = options.reason ?? "aws";
  }
}

/**
 * True for a `ConfigLoadError`, also across realms or duplicated package copies: it checks the
 * stable `name`, since `instanceof` (and `instanceof Error`) fails across realms.
 */
export function isConfigLoadError(error: unknown): error is ConfigLoadError {
  return error instanceof ConfigLoadError || hasName(error, "ConfigLoadError");
}

/** True for an object whose `name` is `name`; never throws, even on a hostile object. */
export function hasName(error: unknown, name: string): boolean {
  try {
    return (
      typeof error === "object" && error !== null && (error as { name?: unknown }).name === name
    );
  } catch {
    return false;
  }
}

/**
 * The error every factory throws for options it cannot use, before any call. The message starts
 * with the factory's own name, so `secretsManagerSource(...)` never reports as `ssmSource`.
 *
 * @example
 * throw optionsError("sqsEventSource", "waitTimeSeconds must be an integer from 0 to 20.");
 */
export function optionsError(factory: string, message: string): ConfigLoadError {
  return new ConfigLoadError(`${factory}: ${message}`, { reason: "options" });
}
