import type { Clock, TimerHandle } from "../../src/scheduling/clock.js";
import { seededRandom } from "./random.js";

interface VirtualTimer {
  readonly at: number;
  readonly seq: number;
  readonly callback: () => void;
  cancelled: boolean;
}

/**
 * The one fake clock of the tests and the bench: virtual time for the loader's real scheduling
 * code (`createConfig({ clock })`). Timers sit in a priority queue and run only when
 * {@link VirtualClock.advance} or {@link VirtualClock.runUntil} moves time to them, so an hour
 * of a fleet's life takes seconds and a unit test controls every delay. Each batch of timers due
 * at one instant runs, then the microtask queue is drained (`setImmediate` turns) so that the
 * async work they started completes at that instant.
 *
 * @example
 * const clock = new VirtualClock(() => 0.5);     // or new VirtualClock(seed) for a seeded PRNG
 * const config = createConfig({ ..., clock });
 * await clock.advance(60_000);
 */
export class VirtualClock implements Clock {
  readonly #random: () => number;
  readonly #heap: VirtualTimer[] = [];
  #now = 0;
  #seq = 0;
  #fired = 0;
  /** Every delay ever requested, in order. */
  readonly delays: number[] = [];

  /** `random`: a seed for a seeded PRNG, or the function to use. @default () => 0.5 */
  constructor(random: number | (() => number) = () => 0.5) {
    this.#random = typeof random === "number" ? seededRandom(random) : random;
  }

  now(): number {
    return this.#now;
  }

  random(): number {
    return this.#random();
  }

  setTimer(callback: () => void, ms: number): TimerHandle {
    this.delays.push(ms);
    const timer: VirtualTimer = {
      at: this.#now + Math.max(0, Number.isFinite(ms) ? ms : 0),
      seq: this.#seq++,
      callback,
      cancelled: false,
    };
    this.#push(timer);
    return timer;
  }

  clearTimer(handle: TimerHandle): void {
    if (handle && typeof handle === "object") (handle as VirtualTimer).cancelled = true;
  }

  /** Timers run so far. */
  get fired(): number {
    return this.#fired;
  }

  /** Timers set and neither run nor cleared yet. */
  get pendingTimers(): number {
    return this.#heap.filter((timer) => !timer.cancelled).length;
  }

  /** Runs every timer due in the next `ms` (virtual), in order; see {@link runUntil}. */
  advance(ms: number): Promise<void> {
    return this.runUntil(this.#now + ms);
  }

  /** Runs every timer due up to `end` (virtual ms), in order, then leaves the clock at `end`. */
  async runUntil(end: number): Promise<void> {
    for (;;) {
      const next = this.#peek();
      if (!next || next.at > end) break;
      this.#now = next.at;
      // Everything due at this instant, including timers that those add with a zero delay.
      while (this.#peek()?.at === this.#now) {
        const timer = this.#pop() as VirtualTimer;
        this.#fired++;
        timer.callback();
      }
      await drainMicrotasks();
    }
    this.#now = Math.max(this.#now, end);
    await drainMicrotasks();
  }

  #peek(): VirtualTimer | undefined {
    while (this.#heap.length > 0 && (this.#heap[0] as VirtualTimer).cancelled) this.#pop();
    return this.#heap[0];
  }

  #push(timer: VirtualTimer): void {
    const heap = this.#heap;
    heap.push(timer);
    let index = heap.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!before(timer, heap[parent] as VirtualTimer)) break;
      heap[index] = heap[parent] as VirtualTimer;
      index = parent;
    }
    heap[index] = timer;
  }

  #pop(): VirtualTimer | undefined {
    const heap = this.#heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length === 0 || !last) return top;
    // Sift `last` down from the root.
    let index = 0;
    for (;;) {
      const left = 2 * index + 1;
      const right = left + 1;
      let child = left;
      if (right < heap.length && before(heap[right] as VirtualTimer, heap[left] as VirtualTimer))
        child = right;
      if (child >= heap.length || !before(heap[child] as VirtualTimer, last)) break;
      heap[index] = heap[child] as VirtualTimer;
      index = child;
    }
    heap[index] = last;
    return top;
  }
}

function before(a: VirtualTimer, b: VirtualTimer): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

/**
 * Lets every promise chain that is not waiting on a timer run to completion. A `setImmediate`
 * callback runs only after the microtask queue is empty; a second turn catches work that a
 * settled promise handed to the next macrotask.
 */
export async function drainMicrotasks(): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  await new Promise<void>((resolve) => setImmediate(resolve));
}
