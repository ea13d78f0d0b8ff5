import { ConfigLoadError } from "../errors/config-load-error.js";
import { fullJitterBackoff } from "./backoff.js";
import type { Clock, TimerHandle } from "./clock.js";

/** Options of periodic refresh (the `refresh` option of `createConfig`). */
export interface PollingOptions {
  /** Time between refreshes. */
  intervalMs: number;
  /**
   * Spread of each interval as a fraction: 0.1 waits between 90% and 110% of `intervalMs`, so
   * that a fleet started together does not poll together. @default 0.1
   */
  jitter?: number;
  /** First backoff bound after a failure. @default min(intervalMs, 1000) */
  backoffBaseMs?: number;
  /** Longest wait after repeated failures. @default max(intervalMs, 300000) */
  backoffMaxMs?: number;
}

/** Checks polling options; throws a `TypeError` that says what to fix. */
export function checkPollingOptions(options: PollingOptions): void {
  const { intervalMs, jitter = 0.1, backoffBaseMs, backoffMaxMs } = options;
  if (!Number.isFinite(intervalMs) || intervalMs <= 0) {
    throw new ConfigLoadError(
      `createConfig: refresh.intervalMs must be a positive number of milliseconds, not ${intervalMs}.`,
    );
  }
  if (!Number.isFinite(jitter) || jitter < 0 || jitter > 1) {
    throw new ConfigLoadError(
      `createConfig: refresh.jitter must be between 0 and 1, not ${jitter}.`,
    );
  }
  for (const [name, value] of [
    ["backoffBaseMs", backoffBaseMs],
    ["backoffMaxMs", backoffMaxMs],
  ] as const) {
    if (value !== undefined && (!Number.isFinite(value) || value <= 0)) {
      throw new ConfigLoadError(
        `createConfig: refresh.${name} must be a positive number of milliseconds.`,
      );
    }
  }
}

/**
 * The delay before the next poll. After success: the interval with ±jitter. After `failures`
 * consecutive failures: "full jitter" exponential backoff, a uniform wait in
 * [0, min(max, base * 2^(failures-1))], so that a fleet hitting an outage does not retry in step.
 */
export function nextPollDelay(
  options: PollingOptions,
  failures: number,
  random: () => number,
): number {
  const { intervalMs, jitter = 0.1 } = options;
  if (failures <= 0) return intervalMs * (1 + jitter * (2 * random() - 1));
  const base = options.backoffBaseMs ?? Math.min(intervalMs, 1000);
  const max = options.backoffMaxMs ?? Math.max(intervalMs, 300_000);
  return fullJitterBackoff(failures, base, max, random);
}

/**
 * Runs `tick` periodically: one tick at a time, the next scheduled only after the previous one
 * settled, backing off while ticks fail and returning to the normal interval after a success.
 */
export class Poller {
  readonly #options: PollingOptions;
  readonly #tick: () => Promise<boolean>;
  readonly #clock: Clock;
  #timer: TimerHandle | undefined;
  #failures = 0;
  #stopped = true;
  /** True while a tick runs; its end schedules the next one, so `start()` must not. */
  #ticking = false;

  constructor(options: PollingOptions, tick: () => Promise<boolean>, clock: Clock) {
    this.#options = options;
    this.#tick = tick;
    this.#clock = clock;
  }

  /** Consecutive failed ticks so far. */
  get failures(): number {
    return this.#failures;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    // A tick still running from before a stop() schedules the next one when it settles.
    if (!this.#ticking) this.#schedule();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) this.#clock.clearTimer(this.#timer);
    this.#timer = undefined;
  }

  #schedule(): void {
    if (this.#stopped || this.#timer !== undefined) return;
    const delay = nextPollDelay(this.#options, this.#failures, () => this.#clock.random());
    this.#timer = this.#clock.setTimer(() => void this.#run(), delay);
  }

  async #run(): Promise<void> {
    this.#timer = undefined;
    if (this.#stopped || this.#ticking) return;
    this.#ticking = true;
    let ok = false;
    try {
      ok = await this.#tick();
    } catch {
      ok = false;
    } finally {
      this.#ticking = false;
    }
    this.#failures = ok ? 0 : this.#failures + 1;
    this.#schedule();
  }
}
