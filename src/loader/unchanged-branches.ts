/**
 * Structural sharing between consecutive snapshots. A schema such as zod returns brand-new
 * objects for the whole tree on every validation, so without this each change would make (and
 * freeze) a copy of every branch, and `previous.db === current.db` would be false even when
 * nothing under `db` changed.
 */

/** Deeper than this, branches are left as the schema made them (no stack can overflow). */
const MAX_DEPTH = 64;

/**
 * `next` with every plain object or array that is deeply equal to the one at the same position
 * in `previous` replaced by that one (`previous` itself when everything is equal). Compares
 * values only: it reads each new leaf once and allocates nothing for the branches it keeps.
 *
 * Only objects the schema just made are changed (extensible plain objects and arrays, compared
 * by their own enumerable keys in order, or elements); anything else (a `Date`, a class
 * instance, a frozen object, an object with symbol keys) is kept as it is, and shared only when
 * it is the very same object.
 */
export function keepUnchangedBranches<T>(next: T, previous: unknown): T {
  return shareEqual(next, previous, 0) as T;
}

function shareEqual(next: unknown, previous: unknown, depth: number): unknown {
  if (next === previous || !isFreshContainer(next) || depth > MAX_DEPTH) return next;
  if (typeof previous !== "object" || previous === null) return next;
  if (Array.isArray(next)) {
    return Array.isArray(previous) ? shareArray(next, previous, depth) : next;
  }
  if (Array.isArray(previous)) return next;
  return shareObject(next as Record<string, unknown>, previous as Record<string, unknown>, depth);
}

function shareArray(next: unknown[], previous: readonly unknown[], depth: number): unknown {
  let same = next.length === previous.length;
  for (let index = 0; index < next.length; index++) {
    const before = index < previous.length ? previous[index] : undefined;
    const kept = shareEqual(next[index], before, depth + 1);
    if (kept !== next[index]) next[index] = kept;
    if (same && (!Object.is(kept, before) || !(index in next))) same = false;
  }
  return same ? previous : next;
}

function shareObject(
  next: Record<string, unknown>,
  previous: Record<string, unknown>,
  depth: number,
): unknown {
  // Symbol keys are not plain data: keep such an object as the schema made it.
  if (Object.getOwnPropertySymbols(next).length > 0) return next;
  const keys = Object.keys(next);
  const previousKeys = Object.keys(previous);
  let same = keys.length === previousKeys.length;
  for (let index = 0; index < keys.length; index++) {
    const key = keys[index] as string;
    // Same keys so far, in the same order: `key` is an own key of `previous`.
    if (same && previousKeys[index] !== key) same = false;
    const before = same || Object.hasOwn(previous, key) ? previous[key] : undefined;
    const value = next[key];
    const kept = shareEqual(value, before, depth + 1);
    if (kept !== value) {
      if (key === "__proto__") Object.defineProperty(next, key, { value: kept });
      else next[key] = kept;
    }
    if (same && !Object.is(kept, before)) same = false;
  }
  return same ? previous : next;
}

function isFreshContainer(value: unknown): value is object {
  if (typeof value !== "object" || value === null || !Object.isExtensible(value)) return false;
  if (Array.isArray(value)) return true;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}
