import { ConfigLoadError } from "../errors/config-load-error.js";
import { SensitiveString } from "../sensitive.js";
import { keySegments, type MissingParameter, type ParameterEntry } from "../sources/contract.js";
import { PatchedMap, patchedKeys } from "../sources/patched-map.js";

/** A nested plain object built from entries; what the schema validates. */
export type ConfigTree = Record<string, unknown>;

/** Sets an own property without ever invoking a setter such as `__proto__`. */
export function defineOwn(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/**
 * {@link defineOwn} for the tree's own (writable, extensible) branches: a plain assignment,
 * which creates an own property for every key but `__proto__` (the one setter on
 * `Object.prototype`), at a fraction of `defineProperty`'s cost.
 */
export function setOwn(target: ConfigTree, key: string, value: unknown): void {
  if (key === "__proto__") defineOwn(target, key, value);
  else target[key] = value;
}

function hasOwn(target: object, key: string): boolean {
  return Object.hasOwn(target, key);
}

/**
 * Builds the nested object the schema validates. Sensitive values are unwrapped here, the last
 * step before validation. A key that is both a value and a parent of other keys (`/app/db` and
 * `/app/db/host`) is a `ConfigLoadError` naming both parameters.
 */
export function buildTree(entries: Iterable<ParameterEntry>): ConfigTree {
  const root = branchObject();
  // The objects this function created as branches. A leaf whose value happens to be an object is
  // still a leaf: nesting another key into it would be a conflict, and would mutate the entry.
  const branches = new WeakSet<object>([root]);
  const built: ParameterEntry[] = [];
  // The branch at each parent key (`db` for `db.host`) of keys whose segments are their dot-split
  // parts, so that an entry costs the cut of its parent key and its leaf, not a split and a walk
  // from the root. Entries mostly come in path order: the previous entry's parent is tried first.
  const parents = new Map<string, ConfigTree>();
  let previousKey = "";
  let previousCut = -1;
  let previousBranch = root;
  for (const entry of entries) {
    const { key } = entry;
    let node: ConfigTree;
    let leaf: string;
    if (entry.segments === undefined) {
      const cut = key.lastIndexOf(".");
      if (cut === -1) {
        node = root;
        leaf = key;
      } else {
        if (cut === previousCut && samePrefix(key, previousKey, cut)) {
          node = previousBranch;
        } else {
          const parent = key.slice(0, cut);
          let branch = parents.get(parent);
          if (branch === undefined) {
            const segments = parent.split(".");
            branch = walk(segments, segments.length, entry);
            parents.set(parent, branch);
          }
          node = branch;
          previousKey = key;
          previousCut = cut;
          previousBranch = node;
        }
        leaf = key.slice(cut + 1);
      }
    } else {
      const segments = entry.segments;
      node = walk(segments, segments.length - 1, entry);
      leaf = segments[segments.length - 1] as string;
    }
    if (hasOwn(node, leaf)) {
      const segments = keySegments(entry);
      throw conflict(ownerOf(built, segments, segments.length), entry);
    }
    setOwn(node, leaf, unwrap(entry.value));
    built.push(entry);
  }
  return root;

  /** The branch at the first `length` segments, created as needed. */
  function walk(segments: readonly string[], length: number, entry: ParameterEntry): ConfigTree {
    let node = root;
    for (let index = 0; index < length; index++) {
      const segment = segments[index] as string;
      if (!hasOwn(node, segment)) {
        const branch = branchObject();
        branches.add(branch);
        setOwn(node, segment, branch);
      } else if (!isOwnBranch(node[segment], branches)) {
        throw conflict(ownerOf(built, keySegments(entry), index + 1), entry);
      }
      node = node[segment] as ConfigTree;
    }
    return node;
  }
}

/** True when `a` and `b` have the same first `length` characters (no substring allocated). */
function samePrefix(a: string, b: string, length: number): boolean {
  for (let index = 0; index < length; index++) {
    if (a.charCodeAt(index) !== b.charCodeAt(index)) return false;
  }
  return true;
}

/**
 * The tree for entries whose key set and key segments are those of the entries `previous` was
 * built from, with only `changed` entries holding new values: `previous` with the branches on
 * the changed keys' paths copied (unchanged branches are shared, never mutated), so that the cost
 * is that of the changed paths, not of every key. Returns `undefined` when a changed entry has no
 * counterpart at the same position (a key added, removed or re-segmented): build it whole then.
 */
export function patchTree(
  previous: ConfigTree,
  previousEntries: ReadonlyMap<string, ParameterEntry>,
  changed: readonly ParameterEntry[],
): ConfigTree | undefined {
  for (const entry of changed) {
    const before = previousEntries.get(entry.key);
    if (!before || !sameSegments(before, entry)) return undefined;
  }
  const copies = new Map<object, ConfigTree>();
  const copy = (node: ConfigTree): ConfigTree => {
    let copied = copies.get(node);
    if (!copied) {
      // Own enumerable keys only: a frozen snapshot's printing helpers are not copied.
      copied = branchObject();
      for (const key of Object.keys(node)) setOwn(copied, key, node[key]);
      copies.set(node, copied);
      copies.set(copied, copied);
    }
    return copied;
  };
  const root = copy(previous);
  for (const entry of changed) {
    let node = root;
    const segments = keySegments(entry);
    const last = segments.length - 1;
    for (let index = 0; index < last; index++) {
      const segment = segments[index] as string;
      const branch = copy(node[segment] as ConfigTree);
      if (node[segment] !== branch) setOwn(node, segment, branch);
      node = branch;
    }
    setOwn(node, segments[last] as string, unwrap(entry.value));
  }
  return root;
}

/** True when two entries' keys have the same segments. */
function sameSegments(first: ParameterEntry, second: ParameterEntry): boolean {
  if (first.segments === undefined && second.segments === undefined) {
    return first.key === second.key;
  }
  if (first.segments === second.segments) return true;
  const a = keySegments(first);
  const b = keySegments(second);
  if (a.length !== b.length) return false;
  for (let index = 0; index < a.length; index++) if (a[index] !== b[index]) return false;
  return true;
}

/** The entry already placed that owns the first `length` segments (only when reporting a conflict). */
function ownerOf(
  built: readonly ParameterEntry[],
  segments: readonly string[],
  length: number,
): ParameterEntry | undefined {
  return built.find((other) => {
    const owner = keySegments(other);
    return (
      owner.length >= length &&
      segments.slice(0, length).every((segment, index) => owner[index] === segment)
    );
  });
}

/**
 * An empty plain object in dictionary mode. Filled key by key with `defineProperty`, a plain
 * object gets one hidden class per key (a branch of 1,000 keys: ~100 KB of them, kept alive as
 * long as the tree); a dictionary holds the same keys, in the same order, in about a third.
 * Deleting a property other than the last turns an object into a dictionary, for good.
 */
function branchObject(): ConfigTree {
  const branch: ConfigTree = { dictionary: true, mode: true };
  delete branch.dictionary;
  delete branch.mode;
  return branch;
}

function isOwnBranch(value: unknown, branches: WeakSet<object>): value is ConfigTree {
  return typeof value === "object" && value !== null && branches.has(value);
}

function unwrap(value: unknown): unknown {
  if (value instanceof SensitiveString) return value.reveal();
  // A frozen list cannot be changed by the schema: the tree may hold it as it is.
  if (Array.isArray(value) && !Object.isFrozen(value)) return [...value];
  return value;
}

function conflict(existing: ParameterEntry | undefined, entry: ParameterEntry): ConfigLoadError {
  const other = existing ? `"${existing.parameter}" (key "${existing.key}")` : "another parameter";
  return new ConfigLoadError(
    `Parameters ${other} and "${entry.parameter}" (key "${entry.key}") overlap: a key cannot be both a value and a parent of other keys. Rename one of them or bind one to a different key.`,
    { parameter: entry.parameter, reason: "mapping" },
  );
}

/**
 * Adds entries to a key-indexed map, failing when two different parameters map to one key
 * (e.g. `max-conn` and `max_conn` with `keyCase: "camel"`).
 */
export function addUniqueEntry(target: Map<string, ParameterEntry>, entry: ParameterEntry): void {
  const existing = target.get(entry.key);
  if (existing && existing.parameter !== entry.parameter) {
    throw keyCollision(existing.parameter, entry.parameter, entry.key);
  }
  target.set(entry.key, entry);
}

/** The error for two parameters that map to one key. */
export function keyCollision(first: string, second: string, key: string): ConfigLoadError {
  return new ConfigLoadError(
    `Parameters "${first}" and "${second}" both map to key "${key}". Rename one of them, or use keyCase "preserve".`,
    { parameter: second, reason: "mapping" },
  );
}

/** Every source's entries merged: a later source overrides an earlier one key by key. */
export interface MergedEntries {
  readonly entries: ReadonlyMap<string, ParameterEntry>;
  readonly missing: ReadonlyMap<string, MissingParameter>;
}

/**
 * Merges source states in order: a later source overrides an earlier one key by key. One source
 * whose missing bindings are not also entries is its own merge: its (immutable) maps are used as
 * they are, not copied.
 */
export function mergeEntries(snapshots: ReadonlyArray<MergedEntries>): MergedEntries {
  const only = snapshots.length === 1 ? snapshots[0] : undefined;
  if (only && disjoint(only)) return { entries: only.entries, missing: only.missing };
  const entries = new Map<string, ParameterEntry>();
  const missing = new Map<string, MissingParameter>();
  for (const snapshot of snapshots) {
    for (const [key, entry] of snapshot.entries) {
      entries.set(key, entry);
      missing.delete(key);
    }
    for (const [key, item] of snapshot.missing) if (!entries.has(key)) missing.set(key, item);
  }
  return { entries, missing };
}

function disjoint(state: MergedEntries): boolean {
  for (const key of state.missing.keys()) if (state.entries.has(key)) return false;
  return true;
}

/** A new merge, and the keys whose entry may differ from the previous merge's. */
export interface MergeUpdate extends MergedEntries {
  /** Every key added, removed or given another entry object; a superset of the changes. */
  readonly touched: readonly string[];
  /** True when the merge holds exactly the previous merge's keys (entries and missing). */
  readonly sameKeys: boolean;
}

/**
 * Merges new source states given the previous ones and their merge, looking only at what
 * changed: sources whose state is the same object are skipped, and within a changed source an
 * entry that is the same object is unchanged (states are immutable), and a state patched from
 * the previous one (a {@link PatchedMap}) is looked at only at its patch. With several sources
 * and only values changed, the previous merge is patched at the touched keys; otherwise the
 * states are merged whole (same result as {@link mergeEntries}, key order included).
 */
export function mergeUpdate(
  previousStates: ReadonlyArray<MergedEntries>,
  previous: MergedEntries,
  next: ReadonlyArray<MergedEntries>,
): MergeUpdate {
  const touched = new Set<string>();
  let sameKeys = true;
  next.forEach((state, index) => {
    const before = previousStates[index] as MergedEntries;
    if (state === before) return;
    const candidates = patchedKeys(before.entries, state.entries);
    if (candidates) {
      // A patch of the same map: only its keys can differ.
      for (const key of candidates) {
        const old = before.entries.get(key);
        const entry = state.entries.get(key);
        if (old === entry) continue;
        touched.add(key);
        if (old === undefined || entry === undefined) sameKeys = false;
      }
    } else {
      let kept = 0;
      for (const [key, entry] of state.entries) {
        const old = before.entries.get(key);
        if (old !== undefined) kept++;
        else sameKeys = false;
        if (old !== entry) touched.add(key);
      }
      if (kept !== before.entries.size) {
        sameKeys = false;
        for (const key of before.entries.keys()) if (!state.entries.has(key)) touched.add(key);
      }
    }
    if (state.missing !== before.missing) {
      if (state.missing.size !== before.missing.size) sameKeys = false;
      for (const [key, item] of state.missing)
        if (before.missing.get(key) !== item) sameKeys = false;
    }
  });
  const keys = [...touched];
  if (next.length === 1 || !sameKeys) return { ...mergeEntries(next), touched: keys, sameKeys };
  const winners = keys.map((key) => {
    for (let index = next.length - 1; index >= 0; index--) {
      const entry = (next[index] as MergedEntries).entries.get(key);
      if (entry) return [key, entry] as const;
    }
    return [key, undefined] as const;
  });
  const entries = PatchedMap.apply(previous.entries, winners);
  return { entries, missing: previous.missing, touched: keys, sameKeys };
}
