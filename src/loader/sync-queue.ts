import { type Clock, clampDelay, type TimerHandle } from "../scheduling/clock.js";

/**
 * Work for one fetch, by source index: a full check of every source, sources that announced a
 * change of their own (`dirty`), and each source's shares of event notices (what its
 * `shareOf` returned when the event arrived, oldest first; opaque to the loader).
 */
export interface SyncWork {
  full: boolean;
  dirty: Set<number>;
  shares: Map<number, unknown[]>;
}

/** Work that asks for nothing yet; requests merge into it. */
export function emptyWork(): SyncWork {
  return { full: false, dirty: new Set(), shares: new Map() };
}

/** Merges `from` into `into`: a full check stays full, dirty sources and shares add up. */
export function mergeWork(into: SyncWork, from: SyncWork): void {
  into.full ||= from.full;
  for (const index of from.dirty) into.dirty.add(index);
  for (const [index, shares] of from.shares) {
    const held = into.shares.get(index);
    if (held) held.push(...shares);
    else into.shares.set(index, [...shares]);
  }
}

/** A batch of work waiting for its delay; later requests join it. */
interface DelayedBatch<R> {
  readonly work: SyncWork;
  readonly timer: TimerHandle;
  readonly promise: Promise<R>;
  readonly start: () => void;
}

/**
 * The loader's coalescing queue: at most one run in flight; everything requested while it runs
 * joins one follow-up run, so a burst of refreshes and events costs two fetches, not one each.
 * Requests can also wait a delay first ({@link SyncQueue.requestAfter}), which is how event
 * fetches are spread across a fleet. The queue knows nothing of sources: `run` does the work.
 *
 * @example
 * const queue = new SyncQueue((work) => fetchAndApply(work), clock);
 * await Promise.all([queue.request(fullCheck()), queue.request(fullCheck())]); // two runs at most
 */
export class SyncQueue<R> {
  readonly #run: (work: SyncWork) => Promise<R>;
  readonly #clock: Clock;
  #inFlight: Promise<R> | undefined;
  #queued: { readonly work: SyncWork; readonly promise: Promise<R> } | undefined;
  #delayed: DelayedBatch<R> | undefined;

  constructor(run: (work: SyncWork) => Promise<R>, clock: Clock) {
    this.#run = run;
    this.#clock = clock;
  }

  /**
   * Runs `work` now if nothing runs; otherwise merges it into the one follow-up run that starts
   * when the current run settles. Resolves with the result of the run that covered the work.
   */
  request(work: SyncWork): Promise<R> {
    if (this.#queued) {
      mergeWork(this.#queued.work, work);
      return this.#queued.promise;
    }
    if (!this.#inFlight) return this.#start(work);
    const queued = { work: emptyWork(), promise: this.#inFlight.then(next, next) };
    mergeWork(queued.work, work);
    this.#queued = queued;
    const self = this;
    function next(): Promise<R> {
      self.#queued = undefined;
      return self.#start(queued.work);
    }
    return queued.promise;
  }

  /**
   * Waits `delayMs`, then requests `work`. Work requested this way while a batch waits joins
   * that batch (and its timer), so that events arriving during the wait cost one fetch. The
   * timer keeps the process alive: a caller awaiting the result must not be abandoned by an
   * exiting process.
   */
  requestAfter(work: SyncWork, delayMs: number): Promise<R> {
    if (this.#delayed) {
      mergeWork(this.#delayed.work, work);
      return this.#delayed.promise;
    }
    const batch = emptyWork();
    mergeWork(batch, work);
    let start = () => {};
    const promise = new Promise<void>((resolve) => {
      start = resolve;
    }).then(() => {
      if (this.#delayed?.work === batch) {
        this.#clock.clearTimer(this.#delayed.timer);
        this.#delayed = undefined;
      }
      return this.request(batch);
    });
    const timer = this.#clock.setTimer(() => start(), clampDelay(delayMs), { keepAlive: true });
    this.#delayed = { work: batch, timer, promise, start };
    return promise;
  }

  /** Starts a waiting delayed batch now (on close, so that its callers settle at once). */
  flushDelayed(): void {
    const delayed = this.#delayed;
    if (!delayed) return;
    this.#clock.clearTimer(delayed.timer);
    delayed.start();
  }

  /** Every run started or queued, and a waiting batch: what `close()` waits for. */
  pending(): Array<Promise<R>> {
    return [this.#inFlight, this.#queued?.promise, this.#delayed?.promise].filter(
      (promise): promise is Promise<R> => promise !== undefined,
    );
  }

  #start(work: SyncWork): Promise<R> {
    let run: Promise<R>;
    try {
      run = this.#run(work);
    } catch (error) {
      run = Promise.reject(error);
    }
    const tracked: Promise<R> = run.finally(() => {
      if (this.#inFlight === tracked) this.#inFlight = undefined;
    });
    this.#inFlight = tracked;
    return tracked;
  }
}
