import { afterEach } from "vitest";
import type { ConfigLoader } from "../../src/index.js";

/**
 * Registers an `afterEach` that closes every loader passed to the returned `track`, so that no
 * test leaves a poller, a queue listener or a watcher running into the next one.
 */
export function closeAfterEach(): <T>(config: ConfigLoader<T>) => ConfigLoader<T> {
  const open: Array<ConfigLoader<unknown>> = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((config) => config.close()));
  });
  return (config) => {
    open.push(config as ConfigLoader<unknown>);
    return config;
  };
}

/** A client that forwards to `client`, or fails with `error` while `broken` is set. */
export function breakableClient(
  client: { send(command: never, options?: { abortSignal?: AbortSignal }): Promise<unknown> },
  error: () => Error,
) {
  const state = { broken: false, attempts: [] as number[] };
  return Object.assign(state, {
    send(command: unknown, options?: { abortSignal?: AbortSignal }): Promise<unknown> {
      state.attempts.push(Date.now());
      return state.broken ? Promise.reject(error()) : client.send(command as never, options);
    },
  });
}
