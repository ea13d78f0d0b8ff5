import type { Clock, TimerHandle } from "../../src/index.js";
import { seededRandom } from "../../test/support/random.js";

export { seededRandom };

interface VirtualTimer {
  readonly at: number;
  readonly seq: number;
  readonly callback: () => void;
  cancelled: boolean;
}

/**
 * Virtual time for the loader's real scheduling code (`createConfig({ clock })`): timers sit in
 * a priority queue and run only when {@link runUntil} advances to them, so an hour of a fleet's
 * life takes seconds. Each batch of timers due at one instant runs, then the microtask queue is
 * drained (a `setImmediate` turn) so that the async work they started completes at that instant.
 */
export class VirtualClock implements Clock {
  readonly #random: () => number;
  readonly #heap: VirtualTimer[] = [];
  #now = 0;
  #seq = 0;
  #fired = 0;

  constructor(seed: number) {
    this.#random = seededRandom(seed);
  }

  now(): number {
    return this.#now;
  }

  random(): number {
    return this.#random();
  }

  setTimer(callback: () => void, ms: number): TimerHandle {
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
