import { EventEmitter } from "eventemitter3";
import { ConfigListenerError } from "../errors/config-listener-error.js";

/** An event map: event name -> listener signature. Every map has an `error` event. */
export type EventMap<Events> = { [E in keyof Events]: (...args: never[]) => unknown } & {
  error: (error: Error) => unknown;
};

type AnyListener = (...args: unknown[]) => unknown;
type EventName<Events extends EventMap<Events>> = EventEmitter.EventNames<Events>;
type Listener<
  Events extends EventMap<Events>,
  E extends EventName<Events>,
> = EventEmitter.EventListener<Events, E>;

/**
 * An eventemitter3 `EventEmitter` whose listeners cannot hurt the emitter: a listener that
 * throws, or returns a promise that rejects, is reported as a {@link ConfigListenerError} on
 * `error` while the other listeners still run; a failing `error` listener is swallowed. Nothing
 * escapes into the timer or promise chain that emitted, and no rejection goes unhandled.
 *
 * Isolation happens where a listener is added (chokidar's way): `on`/`addListener`/`once` store
 * a wrapper, and `off`/`removeListener`/`listeners` translate back, so every method behaves as
 * eventemitter3's does with the functions the caller passed (`this` is the `context`, or the
 * emitter). Only eventemitter3's public methods are used, never its private `_events`. Like
 * eventemitter3, an `error` emitted with no listener is dropped rather than thrown.
 */
export class IsolatingEmitter<Events extends EventMap<Events>> extends EventEmitter<
  Events,
  unknown
> {
  /** Wrapper -> the listener it isolates; a wrapper belongs to exactly one registration. */
  readonly #originals = new WeakMap<AnyListener, AnyListener>();

  /** Adds a listener. */
  override on<E extends EventName<Events>>(
    event: E,
    fn: Listener<Events, E>,
    context?: unknown,
  ): this {
    return super.on(event, this.#wrap(event, fn), context);
  }

  /** Same as {@link IsolatingEmitter.on}. */
  override addListener<E extends EventName<Events>>(
    event: E,
    fn: Listener<Events, E>,
    context?: unknown,
  ): this {
    return super.addListener(event, this.#wrap(event, fn), context);
  }

  /** Adds a listener that is removed before its first call. */
  override once<E extends EventName<Events>>(
    event: E,
    fn: Listener<Events, E>,
    context?: unknown,
  ): this {
    return super.once(event, this.#wrap(event, fn), context);
  }

  /**
   * Removes the listeners of `event` that are `fn` (and, when given, have that `context` and
   * `once` flag); without `fn`, every listener of `event`.
   */
  override removeListener<E extends EventName<Events>>(
    event: E,
    fn?: Listener<Events, E>,
    context?: unknown,
    once?: boolean,
  ): this {
    if (fn === undefined || this.#originals.has(fn as AnyListener)) {
      // No function, or one of our wrappers: eventemitter3's emit removes a `once` listener
      // through this method with the function it stored.
      return super.removeListener(event, fn, context, once);
    }
    for (const wrapper of super.listeners(event)) {
      if (this.#originals.get(wrapper as AnyListener) === (fn as AnyListener)) {
        super.removeListener(event, wrapper, context, once);
      }
    }
    return this;
  }

  /** Same as {@link IsolatingEmitter.removeListener}. */
  override off<E extends EventName<Events>>(
    event: E,
    fn?: Listener<Events, E>,
    context?: unknown,
    once?: boolean,
  ): this {
    return this.removeListener(event, fn, context, once);
  }

  /** The listeners of `event`, as they were added, in call order. */
  override listeners<E extends EventName<Events>>(event: E): Array<Listener<Events, E>> {
    return super
      .listeners(event)
      .map((wrapper) => (this.#originals.get(wrapper as AnyListener) ?? wrapper) as typeof wrapper);
  }

  /**
   * The error reported on `error` for a failed listener of `event`. A subclass may override it
   * to clean the listener's error first (the loader scrubs secrets from it).
   */
  protected listenerError(event: string, cause: unknown): Error {
    return new ConfigListenerError(event, cause);
  }

  #wrap<E extends EventName<Events>>(event: E, fn: unknown): Listener<Events, E> {
    if (typeof fn !== "function") {
      throw new TypeError(`The "${String(event)}" listener must be a function.`);
    }
    const listener = fn as AnyListener;
    const failed = (error: unknown) => this.#failed(event, error);
    // A plain function, so eventemitter3's `this` (the context) reaches the listener.
    const wrapper = function (this: unknown, ...args: unknown[]): void {
      try {
        const result = listener.apply(this, args);
        if (isThenable(result)) result.then(undefined, failed);
      } catch (error) {
        // Thrown by the listener, or by a thenable's `then` getter or method.
        failed(error);
      }
    };
    this.#originals.set(wrapper, listener);
    return wrapper as Listener<Events, E>;
  }

  #failed(event: EventName<Events>, error: unknown): void {
    if (event === "error") return;
    try {
      // Every `error` listener is wrapped too, so this only throws if listenerError does.
      (this as IsolatingEmitter<EventMap<Record<never, never>>>).emit(
        "error",
        this.listenerError(String(event), error),
      );
    } catch {
      // Nothing may escape into the emitter's caller.
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
