import { ConfigLoadError, optionsError } from "../errors/config-load-error.js";
import { isPlainObject } from "../errors/option-checks.js";
import {
  keyOf,
  MAX_NAME_LENGTH,
  segmentsForName,
  withLeadingSlash,
} from "../mapping/parameter-names.js";
import { SensitiveString } from "../sensitive.js";
import {
  type ChangeNotice,
  type ConfigSource,
  makeSourceState,
  type ParameterEntry,
  type SourceState,
  segmentsIfNeeded,
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

const FACTORY = "memorySource";
const OPTION_NAMES = ["sensitive"] as const;
/** Parameter Store's limit on a name; longer ones would never exist there either. */

interface Stored {
  readonly value: MemoryValue;
  readonly version: number;
  readonly lastModified: number;
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
  const { sensitive } = checkOptions(initial, options);
  const values = new Map<string, Stored>();
  const history = new Map<string, number>();
  const listeners = new Set<() => void>();

  const write = (name: string, value: readonly string[] | string) => {
    const version = (history.get(name) ?? 0) + 1;
    history.set(name, version);
    values.set(name, { value, version, lastModified: Date.now() });
  };
  for (const [name, value] of Object.entries(initial)) {
    write(checkName(FACTORY, name), checkValue(FACTORY, name, value));
  }

  const notify = () => {
    for (const listener of [...listeners]) listener();
  };

  /** The store as a state; an unchanged value keeps `previous`'s entry object (see mergeUpdate). */
  const snapshot = (previous?: SourceState): SourceState => {
    const entries: ParameterEntry[] = [];
    const owners = new Map<string, string>();
    for (const [name, stored] of values) {
      const segments = segmentsForName("/", name, "preserve");
      if (!segments) continue;
      const key = keyOf(segments);
      // `/a.b` and `/a/b` both map to `a.b`: refuse, as ssmSource does, rather than pick one.
      const other = owners.get(key);
      if (other !== undefined) {
        throw new ConfigLoadError(
          `memorySource: "${other}" and "${name}" both map to key "${key}". Delete or rename one of them.`,
          { parameter: name, reason: "mapping" },
        );
      }
      owners.set(key, name);
      const held = previous?.entries.get(key);
      if (
        held?.parameter === name &&
        held.version === stored.version &&
        held.lastModified === stored.lastModified
      ) {
        entries.push(held);
        continue;
      }
      const secret = sensitive.has(name);
      const value = stored.value;
      const entry: ParameterEntry = {
        key,
        parameter: name,
        value: secret && typeof value === "string" ? new SensitiveString(value) : value,
        version: stored.version,
        type: secret ? "SecureString" : typeof value === "string" ? "String" : "StringList",
        sensitive: secret,
        lastModified: stored.lastModified,
      };
      // `/a.b/c` is `["a.b", "c"]`: only such names keep their segments.
      const kept = segmentsIfNeeded(key, segments);
      entries.push(kept === undefined ? entry : { ...entry, segments: kept });
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
      return same(previous) ? previous : snapshot(previous);
    },
    shareOf(notice: ChangeNotice) {
      // By exact parameter name, never by key: `/a//b` or `/a/b/` is not `/a/b`.
      return notice.kind !== "secret-changed" && history.has(notice.name) ? notice : undefined;
    },
    async applyNotices(previous) {
      // The store itself is the truth: a notice (even a removal) only prompts a re-read, so a
      // stale or forged Delete cannot remove a value that is still here.
      return same(previous) ? previous : snapshot(previous);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    set(name, value) {
      const checked = checkName("memorySource.set", name);
      write(checked, checkValue("memorySource.set", checked, value));
      notify();
    },
    delete(name) {
      if (values.delete(checkName("memorySource.delete", name))) notify();
    },
    get(name) {
      return values.get(checkName("memorySource.get", name))?.value;
    },
  };
}

/** Checks `initial` and `options` before anything is stored. */
function checkOptions(initial: unknown, options: unknown): { sensitive: ReadonlySet<string> } {
  if (!isPlainObject(initial)) {
    throw optionsError(
      FACTORY,
      'initial values must be a plain object of name -> string or string array, such as { "/db/host": "localhost" }.',
    );
  }
  if (!isPlainObject(options)) {
    throw optionsError(
      FACTORY,
      'options must be an object such as { sensitive: ["/db/password"] }.',
    );
  }
  const unknown = Object.keys(options).find(
    (name) => !(OPTION_NAMES as readonly string[]).includes(name),
  );
  if (unknown !== undefined) {
    // A misspelt `sensitive` would otherwise leave secrets unredacted without a word.
    throw optionsError(
      FACTORY,
      `unknown option ${JSON.stringify(unknown)}; the only option is "sensitive".`,
    );
  }
  const sensitive = options.sensitive ?? [];
  if (!Array.isArray(sensitive)) {
    throw optionsError(
      FACTORY,
      'sensitive must be an array of parameter names, such as ["/db/password"].',
    );
  }
  const names = new Set<string>();
  for (let index = 0; index < sensitive.length; index++) {
    names.add(checkName(FACTORY, sensitive[index], `sensitive[${index}]`));
  }
  return { sensitive: names };
}

/**
 * A parameter name in its stored form (leading `/` added), or an options error. Empty segments
 * (`/a//b`, `/a/b/`) are refused: they would map to the key of another name.
 */
function checkName(where: string, name: unknown, what = "name"): string {
  const valid =
    typeof name === "string" &&
    name.length <= MAX_NAME_LENGTH &&
    withLeadingSlash(name)
      .slice(1)
      .split("/")
      .every((segment) => segment.length > 0);
  if (!valid) {
    const shown = typeof name === "string" ? JSON.stringify(name.slice(0, 100)) : typeof name;
    throw optionsError(
      where,
      `${what} ${shown} is not a parameter name such as "/db/host" (no empty segments, at most ${MAX_NAME_LENGTH} characters).`,
    );
  }
  return withLeadingSlash(name);
}

/** A copy of a value that is a string or an array of strings, or an options error. */
function checkValue(where: string, name: string, value: unknown): MemoryValue {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) {
    const copy: string[] = [];
    // An index loop, so that holes (which `every` skips) are caught too.
    for (let index = 0; index < value.length; index++) {
      const item: unknown = value[index];
      if (typeof item !== "string") break;
      copy.push(item);
    }
    if (copy.length === value.length) return copy;
  }
  throw optionsError(where, `the value of "${name}" must be a string or an array of strings.`);
}
