import { ConfigLoadError } from "../errors/config-load-error.js";
import { SensitiveString } from "../sensitive.js";
import type { MissingParameter, ParameterEntry } from "../sources/contract.js";

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

function hasOwn(target: object, key: string): boolean {
  return Object.hasOwn(target, key);
}

/**
 * Builds the nested object the schema validates. Sensitive values are unwrapped here, the last
 * step before validation. A key that is both a value and a parent of other keys (`/app/db` and
 * `/app/db/host`) is a `ConfigLoadError` naming both parameters.
 */
export function buildTree(entries: Iterable<ParameterEntry>): ConfigTree {
  const root: ConfigTree = {};
  // Which entry put a value (or started a branch) at each dotted prefix, to name both sides of a conflict.
  const owners = new Map<string, ParameterEntry>();
  // The objects this function created as branches. A leaf whose value happens to be an object is
  // still a leaf: nesting another key into it would be a conflict, and would mutate the entry.
  const branches = new WeakSet<object>([root]);
  for (const entry of entries) {
    let node = root;
    const { segments } = entry;
    for (let index = 0; index < segments.length - 1; index++) {
      const segment = segments[index] as string;
      const prefix = segments.slice(0, index + 1).join("\u0000");
      if (!hasOwn(node, segment)) {
        const branch: ConfigTree = {};
        branches.add(branch);
        defineOwn(node, segment, branch);
        owners.set(prefix, entry);
      } else if (!isOwnBranch(node[segment], branches)) {
        throw conflict(owners.get(prefix), entry);
      }
      node = node[segment] as ConfigTree;
    }
    const leaf = segments[segments.length - 1] as string;
    const prefix = segments.join("\u0000");
    if (hasOwn(node, leaf)) throw conflict(owners.get(prefix), entry);
    defineOwn(node, leaf, unwrap(entry.value));
    owners.set(prefix, entry);
  }
  return root;
}

function isOwnBranch(value: unknown, branches: WeakSet<object>): value is ConfigTree {
  return typeof value === "object" && value !== null && branches.has(value);
}

function unwrap(value: unknown): unknown {
  if (value instanceof SensitiveString) return value.reveal();
  if (Array.isArray(value)) return [...value];
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

/** Merges source snapshots in order: a later source overrides an earlier one key by key. */
export function mergeEntries(
  snapshots: ReadonlyArray<{
    entries: ReadonlyMap<string, ParameterEntry>;
    missing: ReadonlyMap<string, MissingParameter>;
  }>,
): { entries: Map<string, ParameterEntry>; missing: Map<string, MissingParameter> } {
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
