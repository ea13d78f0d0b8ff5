import { checkNumberOption, type OptionRange } from "../errors/option-checks.js";
import { fullJitterBackoff } from "./backoff.js";
import { type Clock, clampDelay, MAX_TIMER_MS, type TimerHandle } from "./clock.js";

/** Options of periodic refresh (the polling part of `createConfig`'s `refresh` option). */
export interface PollingOptions {
  /**
   * Time between refreshes, from 100 ms to 2^31 - 1 ms (about 24.8 days). Below 100 ms polling
   * would be continuous; in production, seconds to minutes (each check is a call per 50 names).
   */
  intervalMs: number;
  /**
   * Spread of each interval as a fraction from 0 to 1: 0.1 waits between 90% and 110% of
   * `intervalMs`, so that a fleet started together does not poll together. @default 0.1
   */
  jitter?: number;
  /** First backoff bound after a failure, at least 100 ms. @default min(intervalMs, 1000) */
  backoffBaseMs?: number;
  /**
   * Longest wait after repeated failures, at least `backoffBaseMs`.
   * @default max(intervalMs, 300000)
   */
  backoffMaxMs?: number;
}

/** The shortest polling interval: anything shorter is a busy loop against AWS. */
export const MIN_INTERVAL_MS = 100;
/** The shortest first backoff after a failed poll. */
export const MIN_BACKOFF_MS = 100;

/**
 * Checks polling options; throws the `options` `ConfigLoadError` of `factory`, naming the
 * offending field (`refresh.intervalMs`, ...), before anything runs.
 */
export function checkPollingOptions(options: PollingOptions, factory = "createConfig"): void {
  const { intervalMs, jitter = 0.1, backoffBaseMs, backoffMaxMs } = options;
  const check = (name: string, value: unknown, range: OptionRange) =>
    checkNumberOption(factory, `refresh.${name}`, value, range);
  check("intervalMs", intervalMs, { min: MIN_INTERVAL_MS, max: MAX_TIMER_MS });
  check("jitter", jitter, { min: 0, max: 1, what: "a fraction" });
  if (backoffBaseMs !== undefined) {
    check("backoffBaseMs", backoffBaseMs, { min: MIN_BACKOFF_MS, max: MAX_TIMER_MS });
  }
  const base = backoffBaseMs ?? Math.min(intervalMs, 1000);
  if (backoffMaxMs !== undefined) {
    check("backoffMaxMs", backoffMaxMs, {
      min: base,
      max: MAX_TIMER_MS,
      minText: `backoffBaseMs (${base})`,
    });
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
  if (failures <= 0) return clampDelay(intervalMs * (1 + jitter * (2 * random() - 1)));
  const base = options.backoffBaseMs ?? Math.min(intervalMs, 1000);
  const max = options.backoffMaxMs ?? Math.max(intervalMs, 300_000);
  return clampDelay(fullJitterBackoff(failures, base, max, random));
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
