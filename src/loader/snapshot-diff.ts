import { type ParameterEntry, sameRevision } from "../sources/contract.js";

/**
 * One key that changed between two snapshots. It carries names and versions only, never a
 * value, so it is safe to log whatever the key holds.
 */
export interface Change {
  /** Dotted configuration key. */
  key: string;
  /** The parameter (or secret) behind the key. */
  parameter: string;
  kind: "added" | "updated" | "removed";
  /** The version before the change; absent for `added`. */
  previousVersion?: number | string;
  /** The version after the change; absent for `removed`. */
  version?: number | string;
}

/**
 * The per-key difference between two entry sets: a key is `updated` when its parameter or its
 * revision changed (its version, or its modification time: see `sameRevision`). Keys are
 * reported in sorted order so that a diff reads the same every time.
 */
export function diffEntries(
  previous: ReadonlyMap<string, ParameterEntry>,
  next: ReadonlyMap<string, ParameterEntry>,
): Change[] {
  return diffKeys(previous, next, new Set([...previous.keys(), ...next.keys()]));
}

/**
 * {@link diffEntries} restricted to `keys` (every key that may have changed; the others must be
 * the same in both sets): costs the number of keys given, not the size of the sets.
 */
export function diffKeys(
  previous: ReadonlyMap<string, ParameterEntry>,
  next: ReadonlyMap<string, ParameterEntry>,
  keys: Iterable<string>,
): Change[] {
  const changes: Change[] = [];
  for (const key of [...keys].sort()) {
    const before = previous.get(key);
    const after = next.get(key);
    if (before === after) continue;
    if (before && !after) {
      changes.push({
        key,
        parameter: before.parameter,
        kind: "removed",
        previousVersion: before.version,
      });
    } else if (!before && after) {
      changes.push({ key, parameter: after.parameter, kind: "added", version: after.version });
    } else if (
      before &&
      after &&
      (!sameRevision(before, after) || before.parameter !== after.parameter)
    ) {
      changes.push({
        key,
        parameter: after.parameter,
        kind: "updated",
        previousVersion: before.version,
        version: after.version,
      });
    }
  }
  return changes;
}
