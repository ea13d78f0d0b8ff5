import { ConfigLoadError } from "../errors/config-load-error.js";
import { keyOf, segmentsForName, withLeadingSlash } from "../mapping/parameter-names.js";
import { SensitiveString } from "../sensitive.js";
import {
  type ChangeNotice,
  type ConfigSource,
  makeSourceState,
  type ParameterEntry,
  type SourceState,
} from "./contract.js";

/** A value in a {@link MemorySource}: a string, or a list like a `StringList`. */
export type MemoryValue = string | readonly string[];

/** Options of {@link memorySource}. */
export interface MemorySourceOptions {
  /** Names whose values are secrets, held and redacted like SecureStrings. */
  sensitive?: readonly string[];
}

/** An in-process parameter store: a source for tests, demos and local development. */
export interface MemorySource extends ConfigSource {
  /** Writes a value; its version increases by 1 and the loader is told. */
  set(name: string, value: MemoryValue): void;
  /** Removes a value; the loader is told. */
  delete(name: string): void;
  /** The current value of a name, if any. */
  get(name: string): MemoryValue | undefined;
}

interface Stored {
  readonly value: MemoryValue;
  readonly version: number;
  readonly lastModified: Date;
}

/**
 * An in-memory source. Keys are parameter-style names under `/` (`/db/host` -> `db.host`);
 * every write increases that name's version by 1 and notifies the loader, which applies it as a
 * new snapshot.
 *
 * @example
 * const store = memorySource({ "/db/host": "localhost", "/origins": ["a", "b"] });
 * store.set("/db/host", "db.internal");
 */
export function memorySource(
  initial: Record<string, MemoryValue> = {},
  options: MemorySourceOptions = {},
): MemorySource {
  const values = new Map<string, Stored>();
  const history = new Map<string, number>();
  const sensitive = new Set((options.sensitive ?? []).map(withLeadingSlash));
  const listeners = new Set<() => void>();

  const write = (rawName: string, value: MemoryValue) => {
    if (typeof rawName !== "string" || rawName.replace(/\//g, "") === "") {
      throw new ConfigLoadError(
        `memorySource: ${JSON.stringify(rawName)} is not a parameter name such as "/db/host".`,
      );
    }
    if (
      typeof value !== "string" &&
      !(Array.isArray(value) && value.every((item) => typeof item === "string"))
    ) {
      throw new ConfigLoadError(
        `memorySource: the value of "${rawName}" must be a string or an array of strings.`,
      );
    }
    const name = withLeadingSlash(rawName);
    const version = (history.get(name) ?? 0) + 1;
    history.set(name, version);
    values.set(name, {
      value: Array.isArray(value) ? [...value] : value,
      version,
      lastModified: new Date(),
    });
  };
  for (const [name, value] of Object.entries(initial)) write(name, value);

  const notify = () => {
    for (const listener of [...listeners]) listener();
  };

  const snapshot = (): SourceState => {
    const entries: ParameterEntry[] = [];
    for (const [name, stored] of values) {
      const segments = segmentsForName("/", name, "preserve");
      if (!segments) continue;
      const secret = sensitive.has(name);
      const value = stored.value;
      entries.push({
        key: keyOf(segments),
        segments,
        parameter: name,
        value: secret && typeof value === "string" ? new SensitiveString(value) : value,
        version: stored.version,
        type: secret ? "SecureString" : typeof value === "string" ? "String" : "StringList",
        sensitive: secret,
        lastModified: stored.lastModified,
      });
    }
    return makeSourceState(entries);
  };

  const same = (previous: SourceState): boolean => {
    if (previous.entries.size !== values.size) return false;
    for (const entry of previous.entries.values()) {
      if (values.get(entry.parameter)?.version !== entry.version) return false;
    }
    return true;
  };

  return {
    description: "memory",
    async load() {
      return snapshot();
    },
    async refresh(previous) {
      return same(previous) ? previous : snapshot();
    },
    concerns(notice: ChangeNotice) {
      return (
        notice.kind !== "secret-changed" &&
        (values.has(withLeadingSlash(notice.name)) || history.has(withLeadingSlash(notice.name)))
      );
    },
    async applyNotices(previous) {
      return same(previous) ? previous : snapshot();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    set(name, value) {
      write(name, value);
      notify();
    },
    delete(name) {
      if (values.delete(withLeadingSlash(name))) notify();
    },
    get(name) {
      return values.get(withLeadingSlash(name))?.value;
    },
  };
}
