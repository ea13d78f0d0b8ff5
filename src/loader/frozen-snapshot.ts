import { defineOwn } from "../mapping/config-tree.js";
import { REDACTED, type SecretScrubber } from "../sensitive.js";
import type { ParameterEntry } from "../sources/contract.js";

/** Freezes a value and everything reachable from it, so that no reader can change a snapshot. */
export function deepFreeze<T>(value: T, seen = new WeakSet<object>()): T {
  if (typeof value !== "object" || value === null || seen.has(value)) return value;
  seen.add(value);
  // Typed arrays and other exotic objects cannot be frozen element-wise; freeze what can be.
  if (ArrayBuffer.isView(value)) return value;
  for (const key of Reflect.ownKeys(value)) {
    deepFreeze((value as Record<PropertyKey, unknown>)[key], seen);
  }
  return Object.freeze(value);
}

/**
 * A deep copy of a validated snapshot that is safe to log: every leaf under a sensitive key
 * becomes `[REDACTED]`, and so does any other string that contains a secret (a schema may have
 * moved or embedded it, e.g. in a connection URL).
 */
export function redactSnapshot(
  snapshot: unknown,
  entries: Iterable<ParameterEntry>,
  scrubber: SecretScrubber,
): unknown {
  const sensitivePaths = new Set<string>();
  for (const entry of entries)
    if (entry.sensitive) sensitivePaths.add(entry.segments.join("\u0000"));
  const copy = (value: unknown, path: string[], underSecret: boolean): unknown => {
    const secret = underSecret || sensitivePaths.has(path.join("\u0000"));
    if (Array.isArray(value))
      return value.map((item, index) => copy(item, [...path, String(index)], secret));
    if (value instanceof Date) return secret ? REDACTED : new Date(value.getTime());
    if (typeof value === "object" && value !== null) {
      const result: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value))
        defineOwn(result, key, copy(item, [...path, key], secret));
      return result;
    }
    if (secret) return REDACTED;
    if (typeof value === "string" && scrubber.contains(value)) return REDACTED;
    return value;
  };
  return copy(snapshot, [], false);
}
