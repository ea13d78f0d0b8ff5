import type { Clock, TimerHandle } from "../../../src/scheduling/clock.js";

/** Lets every pending promise callback run (several rounds of microtasks). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

/**
 * A clock that moves only when told: `setTimer` stores callbacks, `advance(ms)` runs the ones
 * that fall due, in order, letting the promises they start settle after each.
 */
export class ManualClock implements Clock {
  #now = 0;
  #nextId = 0;
  readonly timers = new Map<number, { at: number; callback: () => void }>();
  /** Every delay ever requested, in order. */
  readonly delays: number[] = [];

  constructor(readonly random: () => number = () => 0.5) {}

  now(): number {
    return this.#now;
  }

  setTimer(callback: () => void, ms: number): TimerHandle {
    const id = this.#nextId++;
    this.timers.set(id, { at: this.#now + ms, callback });
    this.delays.push(ms);
    return id;
  }

  clearTimer(handle: TimerHandle): void {
    this.timers.delete(handle as number);
  }

  async advance(ms: number): Promise<void> {
    const end = this.#now + ms;
    for (;;) {
      const due = [...this.timers.entries()]
        .filter(([, timer]) => timer.at <= end)
        .sort(([, a], [, b]) => a.at - b.at)[0];
      if (!due) break;
      const [id, timer] = due;
      this.timers.delete(id);
      this.#now = timer.at;
      timer.callback();
      await settle();
    }
    this.#now = end;
    await settle();
  }
}
