import { createHash } from "node:crypto";
import { type FSWatcher, watch as watchFs } from "node:fs";
import { readFile } from "node:fs/promises";
import { basename, dirname, resolve } from "node:path";
import { ConfigLoadError, optionsError } from "../errors/config-load-error.js";
import { checkNumberOption } from "../errors/option-checks.js";
import { keyOf } from "../mapping/parameter-names.js";
import {
  type ConfigSource,
  type EntryValue,
  makeSourceState,
  type ParameterEntry,
  type SourceState,
  sameSourceState,
  segmentsIfNeeded,
} from "./contract.js";

/** Largest `debounceMs`: a minute; a longer wait makes an edit look lost. */
const MAX_DEBOUNCE_MS = 60_000;
/**
 * Deepest nesting of objects and arrays a file may hold. Configuration is rarely more than a few
 * levels deep; the bound keeps every later walk (freezing, validation by a recursive schema,
 * printing) far from any stack limit, and turns a pathological file into a clear error.
 */
const MAX_DEPTH = 100;

/** Options of {@link fileSource}. */
export interface FileSourceOptions {
  /** Reload when the file changes (debounced); an invalid edit keeps the last good snapshot. @default false */
  watch?: boolean;
  /** Quiet time after the last file event before reloading, 0 to 60,000. @default 100 */
  debounceMs?: number;
}

/**
 * Values from a JSON file of nested objects, e.g. for local development or defaults placed
 * before `ssmSource` in `sources`. Each leaf (a scalar or an array) becomes a key; its version
 * is a hash of its value. With `watch`, edits reload the config; editors that save by writing a
 * new file and renaming it are followed because the directory, not the inode, is watched.
 *
 * @example
 * fileSource("./config.local.json", { watch: true })
 */
export function fileSource(path: string, options: FileSourceOptions = {}): ConfigSource {
  if (typeof path !== "string" || path.length === 0) {
    throw optionsError(
      "fileSource",
      'pass the path of a JSON file, e.g. fileSource("./config.json").',
    );
  }
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw optionsError("fileSource", "options must be an object such as { watch: true }.");
  }
  if (options.watch !== undefined && typeof options.watch !== "boolean") {
    throw optionsError("fileSource", `watch must be true or false, not ${String(options.watch)}.`);
  }
  const debounceMs = checkNumberOption("fileSource", "debounceMs", options.debounceMs ?? 100, {
    min: 0,
    max: MAX_DEBOUNCE_MS,
  });
  const file = resolve(path);
  let watcher: FSWatcher | undefined;
  let debounce: ReturnType<typeof setTimeout> | undefined;

  const read = async (): Promise<SourceState> => {
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (error) {
      throw new ConfigLoadError(
        `fileSource: cannot read ${file}: ${(error as Error).message}. Check the path.`,
        { parameter: file, cause: error, reason: "source" },
      );
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      // The parser's message quotes the text, which may hold secrets: say where, not what.
      throw new ConfigLoadError(
        `fileSource: ${file} is not valid JSON; fix the file (the last good config stays).`,
        { parameter: file, reason: "source" },
      );
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw new ConfigLoadError(`fileSource: ${file} must hold a JSON object of nested values.`, {
        parameter: file,
        reason: "source",
      });
    }
    const depth = nestingDepth(parsed, MAX_DEPTH);
    if (depth > MAX_DEPTH) {
      throw new ConfigLoadError(
        `fileSource: ${file} nests values more than ${MAX_DEPTH} levels deep; flatten it (the last good config stays).`,
        { parameter: file, reason: "source" },
      );
    }
    return makeSourceState(flatten(parsed as Record<string, unknown>, file));
  };

  const stopWatching = () => {
    if (debounce) clearTimeout(debounce);
    debounce = undefined;
    watcher?.close();
    watcher = undefined;
  };

  return {
    description: `file:${file}`,
    load: () => read(),
    async refresh(previous) {
      const next = await read();
      return sameSourceState(previous, next) ? previous : next;
    },
    subscribe(notify) {
      if (!options.watch) return () => {};
      const name = basename(file);
      watcher = watchFs(dirname(file), { persistent: false }, (_event, changed) => {
        if (changed !== null && changed !== name) return;
        if (debounce) clearTimeout(debounce);
        debounce = setTimeout(notify, debounceMs);
        debounce.unref?.();
      });
      watcher.on("error", () => stopWatching());
      return stopWatching;
    },
    close: stopWatching,
  };
}

/**
 * How deep objects and arrays nest in a parsed JSON value, counted up to `limit + 1` and no
 * further. Iterative: a file nested 100,000 levels deep is measured, not a stack overflow.
 */
function nestingDepth(root: unknown, limit: number): number {
  let deepest = 0;
  const pending: Array<{ value: unknown; depth: number }> = [{ value: root, depth: 0 }];
  while (pending.length > 0) {
    const { value, depth } = pending.pop() as { value: unknown; depth: number };
    if (typeof value !== "object" || value === null) continue;
    const level = depth + 1;
    if (level > deepest) deepest = level;
    if (deepest > limit) return deepest;
    for (const child of Array.isArray(value) ? value : Object.values(value))
      pending.push({ value: child, depth: level });
  }
  return deepest;
}

function flatten(root: Record<string, unknown>, file: string): ParameterEntry[] {
  const entries: ParameterEntry[] = [];
  // Iterative, in document order (the depth is already bounded, but no walk here recurses).
  const pending: Array<{ value: unknown; segments: string[] }> = [{ value: root, segments: [] }];
  while (pending.length > 0) {
    const { value, segments } = pending.pop() as { value: unknown; segments: string[] };
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      const children = Object.entries(value);
      for (let index = children.length - 1; index >= 0; index--) {
        const [key, child] = children[index] as [string, unknown];
        pending.push({ value: child, segments: [...segments, key] });
      }
      continue;
    }
    if (segments.length === 0) continue;
    const key = keyOf(segments);
    const entry: ParameterEntry = {
      key,
      parameter: `${file}#${segments.join("/")}`,
      // Parsed JSON, and not an object (those became branches above).
      value: value as EntryValue,
      version: createHash("sha256").update(JSON.stringify(value)).digest("hex").slice(0, 16),
      type: "Local",
      sensitive: false,
    };
    // A member name with a dot (`{ "a.b": 1 }`) is one segment: only then are they kept.
    const kept = segmentsIfNeeded(key, segments);
    entries.push(kept === undefined ? entry : { ...entry, segments: kept });
  }
  return entries;
}
