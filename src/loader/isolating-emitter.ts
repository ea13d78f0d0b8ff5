import { ConfigListenerError } from "../errors/config-listener-error.js";

/** An event map: event name -> listener signature. Every map has an `error` event. */
export type EventMap<Events> = { [E in keyof Events]: (...args: never[]) => unknown } & {
  error: (error: Error) => unknown;
};

type AnyListener = (...args: unknown[]) => unknown;

interface ListenerRecord {
  readonly fn: AnyListener;
  readonly context: unknown;
  readonly once: boolean;
}

/**
 * A typed event emitter whose listeners cannot hurt the emitter: a listener that throws, or
 * returns a promise that rejects, is reported as a {@link ConfigListenerError} on `error` while
 * the other listeners still run; a failing `error` listener is swallowed. Nothing escapes into
 * the timer or promise chain that emitted, and no rejection goes unhandled.
 *
 * The method set is eventemitter3's (`on`/`addListener`, `once`, `off`/`removeListener`,
 * `removeAllListeners`, `emit`, `listeners`, `listenerCount`, `eventNames`, an optional
 * `context` for `this`), so code written against it keeps working. Like eventemitter3, an
 * `error` emitted with no listener is dropped rather than thrown.
 */
export class IsolatingEmitter<Events extends EventMap<Events>> {
  readonly #listeners = new Map<keyof Events, ListenerRecord[]>();

  /** Adds a listener. */
  on<E extends keyof Events>(event: E, fn: Events[E], context?: unknown): this {
    return this.#add(event, fn, context, false);
  }

  /** Same as {@link IsolatingEmitter.on}. */
  addListener<E extends keyof Events>(event: E, fn: Events[E], context?: unknown): this {
    return this.#add(event, fn, context, false);
  }

  /** Adds a listener that is removed before its first call. */
  once<E extends keyof Events>(event: E, fn: Events[E], context?: unknown): this {
    return this.#add(event, fn, context, true);
  }

  /**
   * Removes the listeners of `event` that are `fn` (and, when given, have that `context` and
   * `once` flag); without `fn`, every listener of `event`.
   */
  off<E extends keyof Events>(event: E, fn?: Events[E], context?: unknown, once?: boolean): this {
    const records = this.#listeners.get(event);
    if (!records) return this;
    if (fn === undefined) {
      this.#listeners.delete(event);
      return this;
    }
    const kept = records.filter(
      (record) =>
        record.fn !== (fn as unknown) ||
        (once === true && !record.once) ||
        (context !== undefined && record.context !== context),
    );
    if (kept.length > 0) this.#listeners.set(event, kept);
    else this.#listeners.delete(event);
    return this;
  }

  /** Same as {@link IsolatingEmitter.off}. */
  removeListener<E extends keyof Events>(
    event: E,
    fn?: Events[E],
    context?: unknown,
    once?: boolean,
  ): this {
    return this.off(event, fn, context, once);
  }

  /** Removes every listener of `event`, or of every event. */
  removeAllListeners(event?: keyof Events): this {
    if (event === undefined) this.#listeners.clear();
    else this.#listeners.delete(event);
    return this;
  }

  /** The listeners of `event`, in call order. */
  listeners<E extends keyof Events>(event: E): Array<Events[E]> {
    return (this.#listeners.get(event) ?? []).map((record) => record.fn as unknown as Events[E]);
  }

  /** How many listeners `event` has. */
  listenerCount(event: keyof Events): number {
    return this.#listeners.get(event)?.length ?? 0;
  }

  /** The events that have at least one listener. */
  eventNames(): Array<keyof Events> {
    return [...this.#listeners.keys()];
  }

  /**
   * Calls every listener of `event` in order, each isolated (see the class). Returns whether
   * `event` had listeners.
   */
  emit<E extends keyof Events>(event: E, ...args: Parameters<Events[E]>): boolean {
    return this.#dispatch(event, args);
  }

  #dispatch(event: keyof Events, args: unknown[]): boolean {
    const records = this.#listeners.get(event);
    if (!records) return false;
    // A copy: listeners added or removed during this emit take effect from the next one.
    for (const record of [...records]) {
      if (record.once) this.#removeRecord(event, record);
      try {
        const result = record.fn.apply(record.context, args);
        if (isThenable(result)) {
          result.then(undefined, (error: unknown) => this.#failed(event, error));
        }
      } catch (error) {
        // Thrown by the listener, or by a thenable's `then` getter or method.
        this.#failed(event, error);
      }
    }
    return true;
  }

  #removeRecord(event: keyof Events, record: ListenerRecord): void {
    const kept = (this.#listeners.get(event) ?? []).filter((held) => held !== record);
    if (kept.length > 0) this.#listeners.set(event, kept);
    else this.#listeners.delete(event);
  }

  #add(event: keyof Events, fn: unknown, context: unknown, once: boolean): this {
    if (typeof fn !== "function") {
      throw new TypeError(`The "${String(event)}" listener must be a function.`);
    }
    const record: ListenerRecord = { fn: fn as AnyListener, context, once };
    const records = this.#listeners.get(event);
    if (records) records.push(record);
    else this.#listeners.set(event, [record]);
    return this;
  }

  /**
   * The error reported on `error` for a failed listener of `event`. A subclass may override it
   * to clean the listener's error first (the loader scrubs secrets from it).
   */
  protected listenerError(event: string, cause: unknown): Error {
    return new ConfigListenerError(event, cause);
  }

  #failed(event: keyof Events, error: unknown): void {
    if (event === "error") return;
    try {
      this.#dispatch("error", [this.listenerError(String(event), error)]);
    } catch {
      // #dispatch isolates every listener; nothing may escape into the caller.
    }
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof (value as { then?: unknown }).then === "function"
  );
}
