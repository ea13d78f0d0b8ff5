import type { SensitiveString } from "../sensitive.js";

/** The type of a held value: SSM parameter types, a Secrets Manager secret, or a local value. */
export type EntryType = "String" | "StringList" | "SecureString" | "Secret" | "Local";

/** A value of a JSON document: what a local file (`fileSource`) can hold anywhere. */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue };

/**
 * A value as a source holds it. From AWS: a `String` as a string, a `StringList` as a list of
 * strings, and a `SecureString` or secret wrapped in a `SensitiveString` so that it cannot be
 * printed by accident. From a local JSON file (`fileSource`) or a custom source: any JSON value
 * (`fileSource` turns an object's members into keys of their own, so it holds only leaves and
 * arrays; an object that a custom source holds is one value, never a parent of other keys).
 */
export type EntryValue = SensitiveString | string | readonly string[] | JsonValue;

/**
 * One configuration value as read from its backend, with everything needed to tell later
 * whether it changed: its key, the parameter it came from, and that parameter's version.
 */
export interface ParameterEntry {
  /** Dotted key, e.g. `db.host`. */
  readonly key: string;
  /**
   * The key's segments, present only when they are not `key.split(".")`: when a segment itself
   * contains a dot (`/app/a.b/c` with `keyCase: "preserve"` is `["a.b", "c"]`). Read them with
   * {@link keySegments}; a source sets them with {@link segmentsIfNeeded}.
   */
  readonly segments?: readonly string[] | undefined;
  /** The parameter name as bound, selector included (`/shared/db/port:stable`), or secret id. */
  readonly parameter: string;
  /** The value; a `SensitiveString` when `sensitive`. */
  readonly value: EntryValue;
  /** SSM `Version`, Secrets Manager `VersionId`, or a local revision. */
  readonly version: number | string;
  readonly type: EntryType;
  /** SecureStrings and secrets: never printed, logged or emitted. */
  readonly sensitive: boolean;
  /**
   * When the backend last modified the value, in epoch milliseconds (`Date.getTime()`): a
   * number, not a `Date`, because a `Date` costs about 100 bytes more per held value.
   */
  readonly lastModified?: number | undefined;
}

/** A key whose bound parameter does not exist; the schema decides whether that matters. */
export interface MissingParameter {
  readonly key: string;
  /** As {@link ParameterEntry.segments}: only when they are not `key.split(".")`. */
  readonly segments?: readonly string[] | undefined;
  readonly parameter: string;
}

/**
 * The key segments of an entry or missing binding: its `segments` when it has them, else its
 * key split at each dot. Held entries carry no segments array of their own in the common case
 * because one costs about 88 bytes per held value (the array, its elements and the last
 * segment's own string), a sixth of what an entry costs; splitting when needed (building the
 * tree, reporting an issue) is cheap and leaves nothing held.
 */
export function keySegments(item: {
  readonly key: string;
  readonly segments?: readonly string[] | undefined;
}): readonly string[] {
  return item.segments ?? item.key.split(".");
}

const DOT = 46;

/**
 * What an entry built for `key` should hold as its `segments`: `undefined` when they are
 * `key.split(".")` (then the entry leaves the field out, see {@link keySegments}), else
 * `segments` itself. Allocates nothing: it compares the segments with the key in place.
 */
export function segmentsIfNeeded(
  key: string,
  segments: readonly string[],
): readonly string[] | undefined {
  const last = segments.length - 1;
  if (last < 0) return segments;
  let at = 0;
  for (let index = 0; index <= last; index++) {
    const segment = segments[index] as string;
    if (segment.includes(".") || !key.startsWith(segment, at)) return segments;
    at += segment.length;
    if (index < last) {
      if (key.charCodeAt(at) !== DOT) return segments;
      at++;
    }
  }
  return at === key.length ? undefined : segments;
}

/**
 * Everything one source holds at one moment (its entries, missing bindings and due dates).
 * Immutable: a change produces a new one. Not to be confused with the configuration snapshot
 * (`config.current`), which the loader builds from every source's state.
 */
export interface SourceState {
  readonly entries: ReadonlyMap<string, ParameterEntry>;
  readonly missing: ReadonlyMap<string, MissingParameter>;
  /** Times at which a value is known to change (secret rotation, parameter expiry). */
  readonly dueAt?: readonly Date[] | undefined;
}

/**
 * What an AWS change event means, parsed once by `events/aws-events.ts`: sources and the loader
 * act on these and never read AWS vocabulary (`operation`, `policy-type`) themselves. Names are
 * as the event gave them, with a leading `/` added to a root name.
 */
export type ChangeNotice =
  /** A parameter was created or given a new value, version or label. */
  | {
      readonly kind: "parameter-changed";
      readonly name: string;
      readonly time?: number | undefined;
    }
  /** A parameter no longer exists: deleted, or removed by its Expiration policy. */
  | {
      readonly kind: "parameter-removed";
      readonly name: string;
      readonly cause: "deleted" | "expired";
      /** When AWS says it happened (epoch ms), to tell an old removal from a newer write. */
      readonly time?: number | undefined;
    }
  /** A secret's value or stages changed; named by any of its ids (name or ARN). */
  | { readonly kind: "secret-changed"; readonly ids: readonly string[] }
  /** A parameter policy's advance notice; nothing changed yet. */
  | {
      readonly kind: "policy-notice";
      readonly name: string;
      readonly policyType: "ExpirationNotification" | "NoChangeNotification" | (string & {});
    };

/**
 * What a source watches in its backend, for an event feed that filters at the producer (an SNS
 * filter policy): parameter paths (recursive), parameter names, and secret names or ARNs.
 */
export interface SourceWatches {
  readonly paths: readonly string[];
  readonly names: readonly string[];
  readonly secrets: readonly string[];
}

/** What a source is told when it runs: a signal that aborts its calls on `close()`. */
export interface SourceContext {
  readonly signal: AbortSignal;
}

/**
 * A backend the loader reads from. Sources are pure over states: they never keep the state
 * they return, so a state whose values fail the schema can be dropped without undoing anything.
 *
 * Change notices reach a source in two steps, so that it matches each notice to its keys once:
 * when an event arrives the loader asks `shareOf` (no call; `undefined` = not this source's
 * business, and an event no source claims costs nothing), keeps what it returns, and later hands
 * those shares, in arrival order, to `applyNotices`. `Share` is whatever the source wants to
 * carry from the one step to the other (the notice itself will do); the loader never reads it.
 */
export interface ConfigSource<Share = unknown> {
  /** Short name for messages, e.g. `ssm:/app/prod`. */
  readonly description: string;
  /** Reads everything. */
  load(context: SourceContext): Promise<SourceState>;
  /** Re-checks everything as cheaply as possible; returns `previous` itself when nothing changed. */
  refresh(previous: SourceState, context: SourceContext): Promise<SourceState>;
  /**
   * This source's share of a notice (what it would re-read or remove), or `undefined` when the
   * notice names nothing this source holds or watches. Makes no call.
   */
  shareOf?(notice: ChangeNotice, previous: SourceState): Share | undefined;
  /**
   * Re-reads only what the shares (from `shareOf`, oldest first) name; returns `previous`
   * itself when nothing changed. Called only with shares `shareOf` returned, so it need not
   * match notices again. Without it, a concerned source gets a `refresh` instead.
   */
  applyNotices?(
    previous: SourceState,
    shares: readonly Share[],
    context: SourceContext,
  ): Promise<SourceState>;
  /** What this source reads from AWS, so that events about anything else can be filtered out. */
  watches?(): SourceWatches;
  /** Push-based sources call `notify` when they change; returns an unsubscribe function. */
  subscribe?(notify: () => void): () => void;
  /** Releases watchers and timers. */
  close?(): void | Promise<void>;
}

/** Builds a source state from lists, keyed by entry key. */
export function makeSourceState(
  entries: Iterable<ParameterEntry>,
  missing: Iterable<MissingParameter> = [],
  dueAt?: readonly Date[],
): SourceState {
  const entryMap = new Map<string, ParameterEntry>();
  for (const entry of entries) entryMap.set(entry.key, entry);
  const missingMap = new Map<string, MissingParameter>();
  for (const item of missing) if (!entryMap.has(item.key)) missingMap.set(item.key, item);
  return { entries: entryMap, missing: missingMap, dueAt: dueAt?.length ? dueAt : undefined };
}

/**
 * True when two readings of a value are the same revision: the same version and, where both
 * carry one, the same modification time. The time matters because Parameter Store restarts
 * versions at 1 when a parameter is deleted and created again (as CloudFormation does on a
 * replacement), so a version alone could hide a new value.
 */
export function sameRevision(
  a: { readonly version: number | string; readonly lastModified?: number | undefined },
  b: { readonly version: number | string; readonly lastModified?: number | undefined },
): boolean {
  if (a.version !== b.version) return false;
  if (a.lastModified === undefined || b.lastModified === undefined) return true;
  return a.lastModified === b.lastModified;
}

/** True when two source states hold the same parameters at the same versions. */
export function sameSourceState(a: SourceState, b: SourceState): boolean {
  if (a === b) return true;
  if (a.entries.size !== b.entries.size || a.missing.size !== b.missing.size) return false;
  for (const [key, entry] of a.entries) {
    const other = b.entries.get(key);
    if (!other || !sameRevision(other, entry) || other.parameter !== entry.parameter) return false;
  }
  for (const key of a.missing.keys()) if (!b.missing.has(key)) return false;
  return true;
}

/** True when two lists of due dates hold the same instants, in any order. */
export function sameDueDates(
  a: readonly Date[] | undefined,
  b: readonly Date[] | undefined,
): boolean {
  const left = (a ?? []).map((date) => date.getTime()).sort();
  const right = (b ?? []).map((date) => date.getTime()).sort();
  return left.length === right.length && left.every((time, index) => time === right[index]);
}
