import { setMaxListeners } from "node:events";
import { inspect } from "node:util";
import { ConfigLoadError } from "../errors/config-load-error.js";
import { ConfigValidationError } from "../errors/config-validation-error.js";
import { EventFormatError, parseChangeEvent } from "../events/aws-events.js";
import type { ConfigEventSource } from "../events/event-source.js";
import { collectInterests } from "../events/interests.js";
import {
  buildTree,
  type ConfigTree,
  type MergedEntries,
  type MergeUpdate,
  mergeEntries,
  mergeUpdate,
  patchTree,
} from "../mapping/config-tree.js";
import { type Clock, clampDelay, systemClock, type TimerHandle } from "../scheduling/clock.js";
import { Poller, type PollingOptions } from "../scheduling/poller.js";
import type { StandardSchemaV1 } from "../schema/standard-schema.js";
import { validateTree } from "../schema/validate.js";
import { type SecretScrubber, scrubberFor } from "../sensitive.js";
import type {
  ChangeNotice,
  ConfigSource,
  MissingParameter,
  ParameterEntry,
  SourceState,
} from "../sources/contract.js";
import { freezeSnapshot, redactSnapshot, SensitivePaths } from "./frozen-snapshot.js";
import { IsolatingEmitter } from "./isolating-emitter.js";
import { type Change, diffKeys } from "./snapshot-diff.js";
import { emptyWork, SyncQueue, type SyncWork } from "./sync-queue.js";
import { keepUnchangedBranches } from "./unchanged-branches.js";

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

/**
 * The events a {@link ConfigLoader} emits. A listener may be async: a listener that throws or
 * whose promise rejects is reported on `error` as a `ConfigListenerError` and never stops the
 * other listeners or the loader; a failing `error` listener is swallowed.
 */
export interface ConfigEvents<T> {
  /** A new snapshot was applied; fires once per snapshot, never when nothing changed. */
  change: (event: ChangeEvent<T>) => unknown;
  /** A refresh failed or new values failed the schema; the last good snapshot stays current. */
  error: (error: Error) => unknown;
  /** A parameter's policy sent a notification (expiry ahead, or no change for a while). */
  policy: (event: PolicyEvent) => unknown;
}

/** What the loader needs to run; `createConfig` checks and fills it in. */
export interface LoaderSettings<T> {
  schema: StandardSchemaV1<unknown, T>;
  sources: readonly ConfigSource[];
  /** Periodic refresh; no polling when absent. */
  polling?: PollingOptions | undefined;
  /** How old the last full check may be before `fresh()` refreshes. */
  maxAgeMs?: number | undefined;
  eventSpreadMs?: number | undefined;
  events?: ConfigEventSource | undefined;
  clock?: Clock | undefined;
}

/** A full check of every source. */
function fullCheck(): SyncWork {
  return { ...emptyWork(), full: true };
}

/** Applied state: the snapshot and the entries behind it, replaced together or not at all. */
interface AppliedState<T> {
  readonly value: T;
  readonly revision: number;
  readonly sources: readonly SourceState[];
  readonly entries: ReadonlyMap<string, ParameterEntry>;
  readonly missing: ReadonlyMap<string, MissingParameter>;
  /**
   * The tree `value` was validated from, kept from the first change on so that each change
   * patches the paths it touches instead of rebuilding every key (see `patchTree`); unchanged
   * branches are shared. Not kept by the first load: a configuration that never changes does
   * not hold a second copy of its keys (about 50 bytes per value).
   */
  readonly tree: ConfigTree | undefined;
  /** The sensitive entries' keys, shared by states whose sensitive keys are the same. */
  readonly paths: SensitivePaths;
}

/** Rotation and expiry refreshes run this long after the due time, plus up to as much again. */
const DUE_DELAY_MS = 1_000;
const DUE_JITTER_MS = 4_000;

/**
 * A typed configuration that loads once, stays current, and announces changes; see the README
 * for the full lifecycle.
 *
 * Create one with `createConfig()`, which checks every option before anything runs. The class is
 * public as a type only (for annotations such as `ConfigLoader<Config>`): its constructor takes
 * already-checked settings and is not part of the API.
 *
 * It is an eventemitter3 `EventEmitter` (`on`, `once`, `off`, `emit`, ...) whose every listener
 * is isolated (see {@link ConfigEvents}).
 */
export class ConfigLoader<T> extends IsolatingEmitter<ConfigEvents<T>> {
  readonly #schema: StandardSchemaV1<unknown, T>;
  readonly #sources: readonly ConfigSource[];
  readonly #events: ConfigEventSource | undefined;
  readonly #clock: Clock;
  readonly #poller: Poller | undefined;
  readonly #abort = new AbortController();
  readonly #unsubscribes: Array<() => void> = [];
  readonly #queue: SyncQueue<Change[]>;
  readonly #eventSpreadMs: number;
  readonly #maxAgeMs: number;
  #state: AppliedState<T> | undefined;
  #loading: Promise<T> | undefined;
  #dueTimer: TimerHandle | undefined;
  #closing: Promise<void> | undefined;
  /** When the last successful full check (load, refresh(), a poll) started; events do not count. */
  #checkedAt: number | undefined;
  /** The refresh that `fresh()` callers share. */
  #freshening: Promise<T> | undefined;
  /** The entries the last change replaced: a `change` listener can still see their secrets. */
  #replacedEntries: ReadonlyMap<string, ParameterEntry> | undefined;

  constructor(settings: LoaderSettings<T>) {
    super();
    this.#schema = settings.schema;
    this.#sources = settings.sources;
    this.#events = settings.events;
    this.#clock = settings.clock ?? systemClock;
    this.#eventSpreadMs = settings.eventSpreadMs ?? 0;
    this.#maxAgeMs = settings.maxAgeMs ?? settings.polling?.intervalMs ?? 0;
    this.#queue = new SyncQueue((work) => this.#sync(work), this.#clock);
    // Every call in flight adds one abort listener and removes it when it settles, so a load of
    // a path plus 100 bound names has more than Node's default of 10 at once: not a leak.
    setMaxListeners(0, this.#abort.signal);
    if (settings.polling) {
      this.#poller = new Poller(
        settings.polling,
        () =>
          this.#queue.request(fullCheck()).then(
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
        { reason: "lifecycle" },
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
    return this.#queue.request(fullCheck());
  }

  /**
   * The current snapshot, checked first when it may be stale: for processes whose timers do not
   * run between requests (Lambda). When the last successful full check (load, `refresh()` or a
   * poll; change events do not count) is younger than `refresh.maxAgeMs`, resolves at once with
   * no call. Otherwise it runs one refresh, shared by every concurrent caller; if that fails it
   * emits `error` and resolves with the last good snapshot. Before the first load it loads (and
   * rejects as `load()` does). Without `maxAgeMs`, the age limit is `refresh.intervalMs`, or 0
   * (check on every call) when there is no polling either.
   *
   * @example
   * export const handler = async (event) => {
   *   const { db } = await config.fresh();
   * };
   */
  fresh(): Promise<T> {
    if (this.#closing) return Promise.reject(closedError());
    const state = this.#state;
    if (!state) return this.load();
    const checkedAt = this.#checkedAt ?? Number.NEGATIVE_INFINITY;
    if (this.#clock.now() - checkedAt < this.#maxAgeMs) return Promise.resolve(state.value);
    if (!this.#freshening) {
      const settled = () => (this.#state ?? state).value;
      const shared = this.refresh()
        .then(settled, settled)
        .finally(() => {
          if (this.#freshening === shared) this.#freshening = undefined;
        });
      this.#freshening = shared;
    }
    return this.#freshening;
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
    const work = emptyWork();
    for (const notice of notices) {
      let concerned = false;
      this.#sources.forEach((source, index) => {
        const share = source.shareOf?.(notice, state.sources[index] as SourceState);
        if (share === undefined) return;
        concerned = true;
        if (notice.kind === "policy-notice") return;
        const held = work.shares.get(index);
        if (held) held.push(share);
        else work.shares.set(index, [share]);
      });
      if (concerned && notice.kind === "policy-notice") {
        this.emit("policy", { parameter: notice.name, policyType: notice.policyType });
      }
    }
    if (work.shares.size === 0) return Promise.resolve([]);
    if (this.#eventSpreadMs <= 0) return this.#queue.request(work);
    // Spread a fleet's fetches: a random wait up to eventSpreadMs, joined by later events.
    return this.#queue.requestAfter(work, this.#clock.random() * this.#eventSpreadMs);
  }

  /** A deep copy of the current snapshot with every sensitive leaf replaced by `[REDACTED]`. */
  redacted(): T {
    const state = this.#state;
    if (!state) return this.current;
    return redactSnapshot(state.value, state.paths) as T;
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

  /**
   * A failing listener's error with every known secret (current, and the ones the last change
   * replaced) scrubbed from it and its causes: a listener that echoes a value in its error must
   * not leak it through `error` handlers that log.
   */
  protected override listenerError(event: string, cause: unknown): Error {
    const error = super.listenerError(event, cause);
    const state = this.#state;
    if (state) scrubberFor(state.entries, this.#replacedEntries).scrubError(error);
    return error;
  }

  [inspect.custom](): string {
    return `ConfigLoader { revision: ${this.revision}, keys: ${this.#state?.entries.size ?? 0}, closed: ${this.#closing !== undefined} }`;
  }

  /** What `JSON.stringify(config)` prints: the redacted snapshot, never a secret. */
  toJSON(): unknown {
    return this.#state ? this.redacted() : null;
  }

  async #firstLoad(): Promise<T> {
    const started = this.#clock.now();
    const snapshots = await Promise.all(
      this.#sources.map((source) =>
        source.load({ signal: this.#abort.signal }).catch((error: unknown) => {
          throw sourceError(error, source);
        }),
      ),
    );
    if (this.#closing) throw closedError();
    const merged = mergeEntries(snapshots);
    const { value } = await this.#validate(merged, () => buildTree(merged.entries.values()));
    if (this.#closing) throw closedError();
    const paths = new SensitivePaths(merged.entries.values());
    const frozen = freezeSnapshot(value, paths);
    this.#state = {
      value: frozen,
      revision: 1,
      sources: snapshots,
      ...merged,
      tree: undefined,
      paths,
    };
    this.#checkedAt = started;
    this.#startWatching();
    return this.#state.value;
  }

  #startWatching(): void {
    this.#poller?.start();
    this.#sources.forEach((source, index) => {
      const unsubscribe = source.subscribe?.(() => {
        this.#queue.request({ ...emptyWork(), dirty: new Set([index]) }).catch(() => {
          // Already reported on `error`.
        });
      });
      if (unsubscribe) this.#unsubscribes.push(unsubscribe);
    });
    this.#events?.start({
      handle: (body) => this.handleEvent(body),
      error: (error) => this.emit("error", error),
      clock: this.#clock,
      interests: () => collectInterests(this.#sources),
      refresh: () => this.refresh(),
    });
    this.#scheduleDue();
  }

  #notReady(): Error | undefined {
    if (this.#closing) return closedError();
    if (!this.#state) {
      return new ConfigLoadError(
        "Configuration is not loaded yet: await config.load() before refreshing it.",
        { reason: "lifecycle" },
      );
    }
    return undefined;
  }

  /** One run of the queue: fetches what `work` asks for, then applies it or reports why not. */
  async #sync(work: SyncWork): Promise<Change[]> {
    const state = this.#state;
    if (!state || this.#closing) throw closedError();
    const started = this.#clock.now();
    const context = { signal: this.#abort.signal };
    try {
      const next = await Promise.all(
        this.#sources.map(async (source, index) => {
          const previous = state.sources[index] as SourceState;
          try {
            if (work.full || work.dirty.has(index)) return await source.refresh(previous, context);
            const shares = work.shares.get(index) ?? [];
            if (shares.length === 0) return previous;
            return source.applyNotices
              ? await source.applyNotices(previous, shares, context)
              : await source.refresh(previous, context);
          } catch (error) {
            throw sourceError(error, source);
          }
        }),
      );
      if (this.#closing) return [];
      const changes = next.every((snapshot, index) => snapshot === state.sources[index])
        ? []
        : await this.#apply(state, next);
      if (work.full && !this.#closing) this.#checkedAt = started;
      return changes;
    } catch (error) {
      const failure =
        error instanceof Error ? error : new ConfigLoadError(String(error), { reason: "source" });
      // The applied snapshot's secrets: its redaction plan knows them (and built them once).
      state.paths.plan.scrubber.scrubError(failure);
      if (!this.#closing) this.emit("error", failure);
      throw failure;
    }
  }

  /**
   * Validates a new set of source snapshots and swaps it in atomically, or changes nothing. Only
   * what changed is looked at: the merge, the diff and the tree are patched at the keys whose
   * entries changed; the schema validates (and the snapshot freezes) the whole new tree.
   */
  async #apply(state: AppliedState<T>, next: SourceState[]): Promise<Change[]> {
    const merged = mergeUpdate(state.sources, state, next);
    const changes = diffKeys(state.entries, merged.entries, merged.touched);
    if (changes.length === 0 && sameKeys(state.missing, merged.missing)) {
      // Same values; only bookkeeping (e.g. rotation dates) moved. Keep the same snapshot object.
      this.#state = { ...state, sources: next };
      this.#scheduleDue();
      return [];
    }
    const { value, tree } = await this.#validate(
      merged,
      () => treeFor(state, merged),
      state.entries,
    );
    if (this.#closing || this.#state !== state) return [];
    const paths = state.paths.update(state.entries, merged.entries, merged.touched);
    // Same secrets: branches equal to the previous snapshot's are that snapshot's (frozen) ones.
    const shared =
      value === tree || paths !== state.paths ? value : keepUnchangedBranches(value, state.value);
    const current = freezeSnapshot(shared, paths);
    const revision = changes.length > 0 ? state.revision + 1 : state.revision;
    if (changes.length > 0) this.#replacedEntries = state.entries;
    this.#state = {
      value: changes.length > 0 ? current : state.value,
      revision,
      sources: next,
      entries: merged.entries,
      missing: merged.missing,
      tree,
      paths,
    };
    this.#scheduleDue();
    if (changes.length > 0) {
      this.emit("change", { changes, previous: state.value, current, revision });
    }
    return changes;
  }

  /** Builds the tree of a merge and validates it; any failure is scrubbed of every secret. */
  async #validate(
    merged: MergedEntries,
    makeTree: () => ConfigTree,
    previous?: ReadonlyMap<string, ParameterEntry>,
  ): Promise<{ value: T; tree: ConfigTree }> {
    // Learning every secret costs time in the number of secrets: only a failure pays for it.
    let scrubber: SecretScrubber | undefined;
    const scrubberOnce = () => {
      scrubber ??= scrubberFor(merged.entries, previous);
      return scrubber;
    };
    try {
      const tree = makeTree();
      const context = { entries: merged.entries, missing: merged.missing, scrubber: scrubberOnce };
      return { value: await validateTree(this.#schema, tree, context), tree };
    } catch (error) {
      scrubberOnce().scrubError(error);
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
    // A due time beyond Node's longest timer fires early, finds nothing due, and re-arms.
    const delay = clampDelay(earliest - now + DUE_DELAY_MS + this.#clock.random() * DUE_JITTER_MS);
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
      this.#queue.request({ ...emptyWork(), dirty }).catch(() => {
        // Already reported on `error`.
      });
    }, delay);
  }

  async #shutdown(): Promise<void> {
    this.#poller?.stop();
    if (this.#dueTimer !== undefined) this.#clock.clearTimer(this.#dueTimer);
    this.#dueTimer = undefined;
    for (const unsubscribe of this.#unsubscribes.splice(0)) unsubscribe();
    // Settle the callers waiting for an event spread now: their fetch rejects as closed.
    this.#queue.flushDelayed();
    this.#abort.abort();
    const pending = [...this.#queue.pending(), this.#loading];
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
    { reason: "lifecycle" },
  );
}

/** The tree of a new merge: the applied tree patched at the touched keys, or built whole. */
function treeFor(state: AppliedState<unknown>, merged: MergeUpdate): ConfigTree {
  const changed: ParameterEntry[] = [];
  for (const key of merged.touched) {
    const entry = merged.entries.get(key);
    if (!entry) return buildTree(merged.entries.values());
    changed.push(entry);
  }
  const patched = state.tree && patchTree(state.tree, state.entries, changed);
  return patched ?? buildTree(merged.entries.values());
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
    { cause: error, reason: isAwsSdkError(error) ? "aws" : "source" },
  );
}

/** True for an error thrown by an AWS SDK v3 client (it carries `$metadata`). */
function isAwsSdkError(error: unknown): boolean {
  return typeof error === "object" && error !== null && "$metadata" in error;
}
