import { ConfigError } from "./config-error.js";
import { hasName } from "./config-load-error.js";

/**
 * A listener of the loader threw, or returned a promise that rejected. It is reported on the
 * `error` event; the other listeners still ran and the loader carries on. `cause` holds what
 * the listener threw. A failing `error` listener is not reported (there is nowhere left to).
 *
 * @example
 * config.on("error", (error) => {
 *   if (isConfigListenerError(error)) log.error(`${error.event} listener failed`, error.cause);
 * });
 */
export class ConfigListenerError extends ConfigError {
  override readonly name = "ConfigListenerError" as const;
  /** The event whose listener failed, e.g. `change`. */
  readonly event: string;

  constructor(event: string, cause: unknown) {
    super(
      `A "${event}" listener failed (it threw or its promise rejected); the other listeners still ran and the configuration is unaffected. The listener's error is in cause.`,
      { cause },
    );
    this.event = event;
  }
}

/** True for a `ConfigListenerError`, also across realms or duplicated package copies. */
export function isConfigListenerError(error: unknown): error is ConfigListenerError {
  return error instanceof ConfigListenerError || hasName(error, "ConfigListenerError");
}
