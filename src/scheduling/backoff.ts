import { type Clock, clampDelay } from "./clock.js";

/**
 * Waits `ms` on `clock`, or less if `signal` aborts first. Never rejects, so a loop that sleeps
 * between attempts stops on `close()` without an unhandled rejection.
 */
export function pause(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clock.clearTimer(handle);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const handle = clock.setTimer(done, clampDelay(ms));
    signal.addEventListener("abort", done, { once: true });
  });
}

/** "Full jitter" exponential backoff: uniform in [0, min(max, base * 2^(attempt-1))]. */
export function fullJitterBackoff(
  attempt: number,
  baseMs: number,
  maxMs: number,
  random = Math.random,
): number {
  return random() * Math.min(maxMs, baseMs * 2 ** Math.min(Math.max(attempt - 1, 0), 30));
}
