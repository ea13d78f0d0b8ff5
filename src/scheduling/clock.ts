/** A timer handle from a {@link Clock}. */
export type TimerHandle = unknown;

/**
 * Time and randomness for scheduling. The loader's polling, backoff and rotation timers use only
 * this, so a simulation can drive the real scheduling code with a virtual clock.
 */
export interface Clock {
  now(): number;
  /** Runs `callback` after `ms`; the timer must not keep the process alive. */
  setTimer(callback: () => void, ms: number): TimerHandle;
  clearTimer(handle: TimerHandle): void;
  /** A number in [0, 1). */
  random(): number;
}

/** Node's largest timer delay; longer waits are split. */
export const MAX_TIMER_MS = 2_147_483_647;

/** The real clock: `setTimeout` timers, unref'd so that they never hold the process open. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(callback, ms) {
    const timer = setTimeout(callback, Math.min(Math.max(0, ms), MAX_TIMER_MS));
    timer.unref?.();
    return timer;
  },
  clearTimer(handle) {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
  random: () => Math.random(),
};
