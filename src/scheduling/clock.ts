/** A timer handle from a {@link Clock}. */
export type TimerHandle = unknown;

/** Options of {@link Clock.setTimer}. */
export interface TimerOptions {
  /**
   * Keep the process alive until the timer fires or is cleared. Only for a wait that a caller
   * is awaiting (an event spread): a background timer must never hold the process open.
   * Virtual clocks may ignore it. @default false
   */
  keepAlive?: boolean;
}

/**
 * Time and randomness for scheduling. The loader's polling, backoff and rotation timers use only
 * this, so a simulation can drive the real scheduling code with a virtual clock.
 */
export interface Clock {
  now(): number;
  /**
   * Runs `callback` after `ms` (already clamped by the caller with {@link clampDelay}); the
   * timer must not keep the process alive unless `options.keepAlive` says so.
   */
  setTimer(callback: () => void, ms: number, options?: TimerOptions): TimerHandle;
  clearTimer(handle: TimerHandle): void;
  /** A number in [0, 1). */
  random(): number;
}

/** Node's largest timer delay (2^31 - 1 ms, about 24.8 days); longer waits are split. */
export const MAX_TIMER_MS = 2_147_483_647;

/**
 * A delay Node's timers accept: `NaN` and negative values become 0, values above
 * {@link MAX_TIMER_MS} become that maximum. Node would otherwise fire an overflowing delay after
 * 1 ms, which turns a long wait into a busy loop. A caller that needs a longer wait re-arms its
 * timer when it fires early.
 */
export function clampDelay(ms: number): number {
  if (!(ms > 0)) return 0;
  return Math.min(ms, MAX_TIMER_MS);
}

/** The real clock: `setTimeout` timers, unref'd unless a caller asks to keep the process alive. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(callback, ms, options) {
    const timer = setTimeout(callback, clampDelay(ms));
    if (!options?.keepAlive) timer.unref?.();
    return timer;
  },
  clearTimer(handle) {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
  random: () => Math.random(),
};
