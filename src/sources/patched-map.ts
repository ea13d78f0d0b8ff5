/**
 * Copy-on-write for source states. A source is pure over its states, so a change to one value
 * of 10,000 used to copy the whole entry map; a {@link PatchedMap} instead shares the previous
 * map and holds only what changed, and tells the loader which keys those are (see
 * {@link patchedKeys}), so that a change costs what it touches, not what the source holds.
 */

const REMOVED: unique symbol = Symbol("removed");

/** Patches larger than this are folded into a plain map: amortised O(sqrt(N)) per change. */
function foldAbove(baseSize: number): number {
  return Math.max(64, Math.ceil(Math.sqrt(baseSize)));
}

/**
 * A read-only map made of a base map and a small patch. It reads, counts and iterates exactly
 * as a copy of the base to which the same `set` and `delete` calls were made: a replaced key
 * keeps its position, a new (or deleted and re-added) key comes last.
 */
export class PatchedMap<K, V> implements ReadonlyMap<K, V> {
  /** The map patched; never itself a `PatchedMap` (patches do not stack). */
  readonly base: ReadonlyMap<K, V>;
  /** Keys of the base given another value, or removed. */
  readonly #changed: ReadonlyMap<K, V | typeof REMOVED>;
  /** Keys not (or no longer) in the base, in the order they were added. */
  readonly #appended: ReadonlyMap<K, V>;
  readonly size: number;

  private constructor(
    base: ReadonlyMap<K, V>,
    changed: ReadonlyMap<K, V | typeof REMOVED>,
    appended: ReadonlyMap<K, V>,
    size: number,
  ) {
    this.base = base;
    this.#changed = changed;
    this.#appended = appended;
    this.size = size;
  }

  /**
   * `previous` with `changes` applied in order (a value sets the key, `undefined` deletes it):
   * a `PatchedMap` sharing `previous`'s base, or a plain `Map` once the patch has grown past
   * what is worth sharing. `previous` is not changed.
   */
  static apply<K, V>(
    previous: ReadonlyMap<K, V>,
    changes: Iterable<readonly [K, V | undefined]>,
  ): ReadonlyMap<K, V> {
    const patched = previous instanceof PatchedMap;
    const base: ReadonlyMap<K, V> = patched ? previous.base : previous;
    const changed = new Map<K, V | typeof REMOVED>(patched ? previous.#changed : undefined);
    const appended = new Map<K, V>(patched ? previous.#appended : undefined);
    let size = previous.size;
    for (const [key, value] of changes) {
      const inBase = !appended.has(key) && base.has(key) && changed.get(key) !== REMOVED;
      if (value === undefined) {
        if (appended.delete(key)) size--;
        else if (inBase) {
          changed.set(key, REMOVED);
          size--;
        }
      } else if (inBase) {
        changed.set(key, value);
      } else {
        if (!appended.has(key)) size++;
        appended.set(key, value);
      }
    }
    const map = new PatchedMap(base, changed, appended, size);
    return changed.size + appended.size > foldAbove(base.size) ? new Map(map) : map;
  }

  get(key: K): V | undefined {
    if (this.#appended.has(key)) return this.#appended.get(key);
    const slot = this.#changed.get(key);
    if (slot === REMOVED) return undefined;
    return this.#changed.has(key) ? slot : this.base.get(key);
  }

  has(key: K): boolean {
    if (this.#appended.has(key)) return true;
    return this.#changed.get(key) !== REMOVED && this.base.has(key);
  }

  *entries(): MapIterator<[K, V]> {
    for (const [key, value] of this.base) {
      if (!this.#changed.has(key)) yield [key, value];
      else {
        const slot = this.#changed.get(key) as V | typeof REMOVED;
        if (slot !== REMOVED) yield [key, slot];
      }
    }
    yield* this.#appended;
  }

  *keys(): MapIterator<K> {
    for (const [key] of this.entries()) yield key;
  }

  *values(): MapIterator<V> {
    for (const [, value] of this.entries()) yield value;
  }

  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }

  forEach(callback: (value: V, key: K, map: ReadonlyMap<K, V>) => void, thisArg?: unknown): void {
    for (const [key, value] of this.entries()) callback.call(thisArg, value, key, this);
  }

  get [Symbol.toStringTag](): string {
    return "PatchedMap";
  }

  /** The keys this map's patch touches (a superset of those whose value differs from the base). */
  patchKeys(): Iterable<K> {
    return [...this.#changed.keys(), ...this.#appended.keys()];
  }
}

/**
 * The keys whose values may differ between `before` and `after` when both are patches of one
 * base (or one is the other's base): a few keys, found without looking at the others.
 * `undefined` when the maps are not related that way; compare them whole then.
 */
export function patchedKeys<K, V>(
  before: ReadonlyMap<K, V>,
  after: ReadonlyMap<K, V>,
): Set<K> | undefined {
  const baseOf = (map: ReadonlyMap<K, V>) => (map instanceof PatchedMap ? map.base : map);
  if (baseOf(before) !== baseOf(after)) return undefined;
  const keys = new Set<K>();
  for (const map of [before, after]) {
    if (map instanceof PatchedMap) for (const key of map.patchKeys()) keys.add(key);
  }
  return keys;
}
