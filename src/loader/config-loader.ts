import { inspect } from "node:util";
import { EventEmitter } from "eventemitter3";
import { ConfigLoadError } from "../errors/config-load-error.js";
import { ConfigValidationError } from "../errors/config-validation-error.js";
import { EventFormatError, parseChangeEvent } from "../events/aws-events.js";
import type { ConfigEventSource } from "../events/event-source.js";
import { buildTree, mergeEntries } from "../mapping/config-tree.js";
import { type Clock, systemClock, type TimerHandle } from "../scheduling/clock.js";
import { Poller, type PollingOptions } from "../scheduling/poller.js";
import type { StandardSchemaV1 } from "../schema/standard-schema.js";
import { validateTree } from "../schema/validate.js";
import { SecretScrubber, SensitiveString } from "../sensitive.js";
import type {
  ChangeNotice,
  ConfigSource,
  MissingParameter,
  ParameterEntry,
  SourceState,
} from "../sources/contract.js";
import { deepFreeze, redactSnapshot } from "./frozen-snapshot.js";
import { type Change, diffEntries } from "./snapshot-diff.js";

/** Payload of the `change` event: what changed (names and versions only) and both snapshots. */
export interface ChangeEvent<T> {
  /** Per-key diff; never holds a value. */
  changes: Change[];
  previous: T;
  current: T;
  revision: number;
}

/** Payload of the `policy` event: a Parameter Store policy notification for a parameter in use. */
export interface PolicyEvent {
  /** The parameter the policy belongs to. */
  parameter: string;
  /** `ExpirationNotification` or `NoChangeNotification`. */
  policyType: string;
}

/** The events a {@link ConfigLoader} emits. */
export interface ConfigEvents<T> {
  /** A new snapshot was applied; fires once per snapshot, never when nothing changed. */
  change: (event: ChangeEvent<T>) => void;
  /** A refresh failed or new values failed the schema; the last good snapshot stays current. */
  error: (error: Error) => void;
  /** A parameter's policy sent a notification (expiry ahead, or no change for a while). */
  policy: (event: PolicyEvent) => void;
}

/** What the loader needs to run; `createConfig` checks and fills it in. */
export interface LoaderSettings<T> {
  schema: StandardSchemaV1<unknown, T>;
  sources: readonly ConfigSource[];
  refresh?: PollingOptions | undefined;
  eventSpreadMs?: number | undefined;
  events?: ConfigEventSource | undefined;
  clock?: Clock | undefined;
}

/**
 * Work for one fetch: a full check, sources that announced a change, and each source's share of
 * the event notices (worked out once, when the event arrives).
 */
interface SyncWork {
  full: boolean;
  dirty: Set<number>;
  notices: Map<number, ChangeNotice[]>;
}

/** Adds one share of notices to another, per source. */
function addNotices(into: Map<number, ChangeNotice[]>, from: ReadonlyMap<number, ChangeNotice[]>) {
  for (const [index, notices] of from) {
    const held = into.get(index);
    if (held) held.push(...notices);
    else into.set(index, [...notices]);
  }
}

/** Applied state: the snapshot and the entries behind it, replaced together or not at all. */
interface AppliedState<T> {
  readonly value: T;
  readonly revision: number;
  readonly sources: readonly SourceState[];
  readonly entries: ReadonlyMap<string, ParameterEntry>;
  readonly missing: ReadonlyMap<string, MissingParameter>;
}

/** Rotation and expiry refreshes run this long after the due time, plus up to as much again. */
const DUE_DELAY_MS = 1_000;
const DUE_JITTER_MS = 4_000;

interface ListenerRecord {
  fn: (...args: unknown[]) => void;
  context: unknown;
  once: boolean;
}

/**
 * A typed configuration that loads once, stays current, and announces changes. Created by
 * `createConfig`; see the README for the full lifecycle.
 */
export class ConfigLoader<T> extends EventEmitter<ConfigEvents<T>> {
  readonly #schema: StandardSchemaV1<unknown, T>;
  readonly #sources: readonly ConfigSource[];
  readonly #events: ConfigEventSource | undefined;
  readonly #clock: Clock;
  readonly #poller: Poller | undefined;
  readonly #abort = new AbortController();
  readonly #unsubscribes: Array<() => void> = [];
  #state: AppliedState<T> | undefined;
  #loading: Promise<T> | undefined;
  #inFlight: Promise<Change[]> | undefined;
  #queued: { work: SyncWork; promise: Promise<Change[]> } | undefined;
  #dueTimer: TimerHandle | undefined;
  #closing: Promise<void> | undefined;
  readonly #eventSpreadMs: number;
  /** Event notices waiting for their spread delay; later events join the same fetch. */
  #eventBatch:
    | {
        notices: Map<number, ChangeNotice[]>;
        timer: TimerHandle;
        promise: Promise<Change[]>;
        start: () => void;
      }
    | undefined;

  constructor(settings: LoaderSettings<T>) {
    super();
    this.#schema = settings.schema;
    this.#sources = settings.sources;
    this.#events = settings.events;
    this.#clock = settings.clock ?? systemClock;
    this.#eventSpreadMs = settings.eventSpreadMs ?? 0;
    if (settings.refresh) {
      this.#poller = new Poller(
        settings.refresh,
        () =>
          this.#request({ full: true, dirty: new Set(), notices: new Map() }).then(
            () => true,
            () => false,
          ),
        this.#clock,
      );
    }
  }

  /** The current snapshot: deeply frozen, replaced atomically. Throws before the first load. */
  get current(): T {
    if (!this.#state) {
      throw new ConfigLoadError(
        "Configuration read before it was loaded: await config.load() once at start-up before reading config.current.",
      );
    }
    return this.#state.value;
  }

  /** 1 after the first load, +1 for every applied snapshot; 0 before the first load. */
  get revision(): number {
    return this.#state?.revision ?? 0;
  }

  /**
   * Loads and validates every source. Rejects with `ConfigValidationError` or `ConfigLoadError`;
   * once loaded, returns the current snapshot. Polling, events and watchers start after it.
   */
  load(): Promise<T> {
    if (this.#state) return Promise.resolve(this.#state.value);
    if (this.#closing) return Promise.reject(closedError());
    this.#loading ??= this.#firstLoad().catch((error: unknown) => {
      this.#loading = undefined;
      throw error;
    });
    return this.#loading;
  }

  /**
   * Checks every value (cheaply, by version) and fetches only what changed. Resolves with the
   * applied changes, `[]` when nothing changed. Calls that arrive while a fetch is in flight are
   * merged into one follow-up.
   */
  refresh(): Promise<Change[]> {
    const blocked = this.#notReady();
    if (blocked) return Promise.reject(blocked);
    return this.#request({ full: true, dirty: new Set(), notices: new Map() });
  }

  /**
   * Applies an AWS change event (EventBridge, SQS body, SNS envelope, Lambda SQS event, or an
   * array). Events about names this config does not use resolve to `[]` without any AWS call;
   * malformed input rejects with an `EventFormatError` (a `TypeError`) and changes nothing.
   */
  handleEvent(event: unknown): Promise<Change[]> {
    let notices: ChangeNotice[];
    try {
      notices = parseChangeEvent(event);
    } catch (error) {
      return Promise.reject(error);
    }
    const blocked = this.#notReady();
    if (blocked) return Promise.reject(blocked);
    const state = this.#state as AppliedState<T>;
    const actionable = new Map<number, ChangeNotice[]>();
    for (const notice of notices) {
      let concerned = false;
      this.#sources.forEach((source, index) => {
        if (!source.concerns?.(notice, state.sources[index] as SourceState)) return;
        concerned = true;
        if (notice.kind !== "policy-notice") addNotices(actionable, new Map([[index, [notice]]]));
      });
      if (concerned && notice.kind === "policy-notice") {
        this.#emitSafely("policy", { parameter: notice.name, policyType: notice.policyType });
      }
    }
    if (actionable.size === 0) return Promise.resolve([]);
    if (this.#eventSpreadMs <= 0) {
      return this.#request({ full: false, dirty: new Set(), notices: actionable });
    }
    return this.#spreadEvent(actionable);
  }

  /** A deep copy of the current snapshot with every sensitive leaf replaced by `[REDACTED]`. */
  redacted(): T {
    const state = this.#state;
    if (!state) return this.current;
    return redactSnapshot(state.value, state.entries.values(), appliedScrubber(state.entries)) as T;
  }

  /** Per key: the parameter and the SSM `Version` or Secrets Manager `VersionId` behind it. */
  versions(): Record<string, { parameter: string; version: number | string }> {
    const result: Record<string, { parameter: string; version: number | string }> = {};
    for (const [key, entry] of this.#state?.entries ?? []) {
      Object.defineProperty(result, key, {
        value: { parameter: entry.parameter, version: entry.version },
        enumerable: true,
      });
    }
    return result;
  }

  /** Stops polling, the event source and watchers, and aborts calls in flight. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  /** Listeners are isolated: one that throws does not stop the others or break the loader. */
  override emit<E extends EventEmitter.EventNames<ConfigEvents<T>>>(
    event: E,
    ...args: EventEmitter.EventArgs<ConfigEvents<T>, E>
  ): boolean {
    const stored = (
      this as unknown as { _events: Record<string, ListenerRecord | ListenerRecord[] | undefined> }
    )._events[event];
    if (!stored) return false;
    for (const listener of Array.isArray(stored) ? [...stored] : [stored]) {
      if (listener.once) this.removeListener(event, listener.fn as never, undefined, true);
      try {
        listener.fn.apply(listener.context, args);
      } catch (error) {
        if (event !== "error") this.#emitSafely("error", listenerError(event, error));
      }
    }
    return true;
  }

  [inspect.custom](): string {
    return `ConfigLoader { revision: ${this.revision}, keys: ${this.#state?.entries.size ?? 0}, closed: ${this.#closing !== undefined} }`;
  }

  /** What `JSON.stringify(config)` prints: the redacted snapshot, never a secret. */
  toJSON(): unknown {
    return this.#state ? this.redacted() : null;
  }

  async #firstLoad(): Promise<T> {
    const snapshots = await Promise.all(
      this.#sources.map((source) =>
        source.load({ signal: this.#abort.signal }).catch((error: unknown) => {
          throw sourceError(error, source);
        }),
      ),
    );
    if (this.#closing) throw closedError();
    const merged = mergeEntries(snapshots);
    const value = await this.#validate(merged);
    if (this.#closing) throw closedError();
    this.#state = { value: deepFreeze(value), revision: 1, sources: snapshots, ...merged };
    this.#startWatching();
    return this.#state.value;
  }

  #startWatching(): void {
    this.#poller?.start();
    this.#sources.forEach((source, index) => {
      const unsubscribe = source.subscribe?.(() => {
        this.#request({ full: false, dirty: new Set([index]), notices: new Map() }).catch(() => {
          // Already reported on `error`.
        });
      });
      if (unsubscribe) this.#unsubscribes.push(unsubscribe);
    });
    this.#events?.start({
      handle: (body) => this.handleEvent(body),
      error: (error) => this.#emitSafely("error", error),
    });
    this.#scheduleDue();
  }

  #notReady(): Error | undefined {
    if (this.#closing) return closedError();
    if (!this.#state) {
      return new ConfigLoadError(
        "Configuration is not loaded yet: await config.load() before refreshing it.",
      );
    }
    return undefined;
  }

  /**
   * Waits a random time up to `eventSpreadMs` before fetching what events name, so that a fleet
   * that receives the same event does not fetch at the same instant. Events that arrive during
   * the wait join the same fetch.
   */
  #spreadEvent(notices: Map<number, ChangeNotice[]>): Promise<Change[]> {
    if (this.#eventBatch) {
      addNotices(this.#eventBatch.notices, notices);
      return this.#eventBatch.promise;
    }
    let start = () => {};
    const promise = new Promise<void>((resolve) => {
      start = resolve;
    }).then(() => {
      const batch = this.#eventBatch;
      this.#eventBatch = undefined;
      return this.#request({ full: false, dirty: new Set(), notices: batch?.notices ?? notices });
    });
    const delay = this.#clock.random() * this.#eventSpreadMs;
    const timer = this.#clock.setTimer(() => start(), delay);
    this.#eventBatch = { notices, timer, promise, start };
    return promise;
  }

  /** Coalescing: one fetch in flight; everything requested meanwhile joins one follow-up. */
  #request(work: SyncWork): Promise<Change[]> {
    if (this.#queued) {
      const queued = this.#queued.work;
      queued.full ||= work.full;
      for (const index of work.dirty) queued.dirty.add(index);
      addNotices(queued.notices, work.notices);
      return this.#queued.promise;
    }
    if (!this.#inFlight) return this.#start(work);
    const queued = {
      work,
      promise: this.#inFlight.then(
        () => this.#startQueued(),
        () => this.#startQueued(),
      ),
    };
    this.#queued = queued;
    return queued.promise;
  }

  #startQueued(): Promise<Change[]> {
    const work = this.#queued?.work ?? {
      full: false,
      dirty: new Set<number>(),
      notices: new Map(),
    };
    this.#queued = undefined;
    return this.#start(work);
  }

  #start(work: SyncWork): Promise<Change[]> {
    const run: Promise<Change[]> = this.#sync(work).finally(() => {
      if (this.#inFlight === run) this.#inFlight = undefined;
    });
    this.#inFlight = run;
    return run;
  }

  async #sync(work: SyncWork): Promise<Change[]> {
    const state = this.#state;
    if (!state || this.#closing) throw closedError();
    const context = { signal: this.#abort.signal };
    try {
      const next = await Promise.all(
        this.#sources.map(async (source, index) => {
          const previous = state.sources[index] as SourceState;
          try {
            if (work.full || work.dirty.has(index)) return await source.refresh(previous, context);
            const notices = work.notices.get(index) ?? [];
            if (notices.length === 0) return previous;
            return source.applyNotices
              ? await source.applyNotices(previous, notices, context)
              : await source.refresh(previous, context);
          } catch (error) {
            throw sourceError(error, source);
          }
        }),
      );
      if (this.#closing) return [];
      if (next.every((snapshot, index) => snapshot === state.sources[index])) return [];
      return await this.#apply(state, next);
    } catch (error) {
      const failure = error instanceof Error ? error : new ConfigLoadError(String(error));
      appliedScrubber(state.entries).scrubError(failure);
      if (!this.#closing) this.#emitSafely("error", failure);
      throw failure;
    }
  }

  /** Validates a new set of source snapshots and swaps it in atomically, or changes nothing. */
  async #apply(state: AppliedState<T>, next: SourceState[]): Promise<Change[]> {
    const merged = mergeEntries(next);
    const changes = diffEntries(state.entries, merged.entries);
    if (changes.length === 0 && sameKeys(state.missing, merged.missing)) {
      // Same values; only bookkeeping (e.g. rotation dates) moved. Keep the same snapshot object.
      this.#state = { ...state, sources: next };
      this.#scheduleDue();
      return [];
    }
    const value = await this.#validate(merged, state.entries);
    if (this.#closing || this.#state !== state) return [];
    const current = deepFreeze(value);
    const revision = changes.length > 0 ? state.revision + 1 : state.revision;
    this.#state = {
      value: changes.length > 0 ? current : state.value,
      revision,
      sources: next,
      ...merged,
    };
    this.#scheduleDue();
    if (changes.length > 0) {
      this.#emitSafely("change", { changes, previous: state.value, current, revision });
    }
    return changes;
  }

  async #validate(
    merged: {
      entries: ReadonlyMap<string, ParameterEntry>;
      missing: ReadonlyMap<string, MissingParameter>;
    },
    previous?: ReadonlyMap<string, ParameterEntry>,
  ): Promise<T> {
    const scrubber = scrubberFor(merged.entries, previous);
    try {
      const tree = buildTree(merged.entries.values());
      return await validateTree(this.#schema, tree, { ...merged, scrubber });
    } catch (error) {
      scrubber.scrubError(error);
      throw error;
    }
  }

  /** Schedules a refresh shortly after the next secret rotation or parameter expiry. */
  #scheduleDue(): void {
    if (this.#dueTimer !== undefined) this.#clock.clearTimer(this.#dueTimer);
    this.#dueTimer = undefined;
    const state = this.#state;
    if (!state || this.#closing) return;
    const now = this.#clock.now();
    let earliest = Number.POSITIVE_INFINITY;
    for (const snapshot of state.sources) {
      for (const due of snapshot.dueAt ?? [])
        if (due.getTime() > now) earliest = Math.min(earliest, due.getTime());
    }
    if (!Number.isFinite(earliest)) return;
    const delay = earliest - now + DUE_DELAY_MS + this.#clock.random() * DUE_JITTER_MS;
    this.#dueTimer = this.#clock.setTimer(() => {
      this.#dueTimer = undefined;
      const current = this.#state;
      if (!current) return;
      const dirty = new Set<number>();
      current.sources.forEach((snapshot, index) => {
        if (snapshot.dueAt?.some((due) => due.getTime() <= this.#clock.now())) dirty.add(index);
      });
      if (dirty.size === 0) {
        this.#scheduleDue();
        return;
      }
      this.#request({ full: false, dirty, notices: new Map() }).catch(() => {
        // Already reported on `error`.
      });
    }, delay);
  }

  #emitSafely<E extends EventEmitter.EventNames<ConfigEvents<T>>>(
    event: E,
    ...args: EventEmitter.EventArgs<ConfigEvents<T>, E>
  ): void {
    try {
      this.emit(event, ...args);
    } catch {
      // emit() isolates listeners; nothing may escape into a timer or a promise chain.
    }
  }

  async #shutdown(): Promise<void> {
    this.#poller?.stop();
    if (this.#dueTimer !== undefined) this.#clock.clearTimer(this.#dueTimer);
    this.#dueTimer = undefined;
    for (const unsubscribe of this.#unsubscribes.splice(0)) unsubscribe();
    if (this.#eventBatch) {
      // Settle the waiting callers now: their fetch rejects as closed instead of waiting on.
      this.#clock.clearTimer(this.#eventBatch.timer);
      this.#eventBatch.start();
    }
    this.#abort.abort();
    const pending = [this.#inFlight, this.#queued?.promise, this.#loading];
    await Promise.allSettled([
      this.#events?.close(),
      ...this.#sources.map((source) => source.close?.()),
      ...pending,
    ]);
  }
}

function closedError(): ConfigLoadError {
  return new ConfigLoadError(
    "This config was closed; create a new one with createConfig() to read again.",
  );
}

/** Scrubbers of applied entry sets, built once each: failing refreshes and redactions reuse them. */
const appliedScrubbers = new WeakMap<ReadonlyMap<string, ParameterEntry>, SecretScrubber>();

/** The scrubber of an applied entry set (which never changes once applied). */
function appliedScrubber(entries: ReadonlyMap<string, ParameterEntry>): SecretScrubber {
  let scrubber = appliedScrubbers.get(entries);
  if (!scrubber) {
    scrubber = scrubberFor(entries);
    appliedScrubbers.set(entries, scrubber);
  }
  return scrubber;
}

/** A scrubber that knows every secret of the given entry sets. */
function scrubberFor(
  ...entrySets: Array<ReadonlyMap<string, ParameterEntry> | undefined>
): SecretScrubber {
  const scrubber = new SecretScrubber();
  for (const entries of entrySets) {
    for (const entry of entries?.values() ?? []) {
      if (entry.value instanceof SensitiveString) scrubber.add(entry.value.reveal());
      else if (entry.sensitive && typeof entry.value === "string") scrubber.add(entry.value);
      else if (entry.sensitive && Array.isArray(entry.value)) {
        for (const item of entry.value) if (typeof item === "string") scrubber.add(item);
      }
    }
  }
  return scrubber;
}

function sameKeys(a: ReadonlyMap<string, unknown>, b: ReadonlyMap<string, unknown>): boolean {
  if (a.size !== b.size) return false;
  for (const key of a.keys()) if (!b.has(key)) return false;
  return true;
}

/** Errors from a source become `ConfigLoadError`s naming the source, unless they already are one. */
function sourceError(error: unknown, source: ConfigSource): Error {
  if (
    error instanceof ConfigLoadError ||
    error instanceof ConfigValidationError ||
    error instanceof EventFormatError
  ) {
    return error;
  }
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new ConfigLoadError(
    `Could not read configuration from ${source.description}: ${message}`,
    { cause: error },
  );
}

function listenerError(event: string, error: unknown): Error {
  return new Error(
    `A "${event}" listener threw; other listeners still ran and the loader is unaffected.`,
    {
      cause: error,
    },
  );
}
