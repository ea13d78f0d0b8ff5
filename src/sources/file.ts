import { createHash } from "node:crypto";
import { type FSWatcher, watch as watchFs } from "node:fs";
import { readFile } from "node:fs/promises";
import { basename, dirname, resolve } from "node:path";
import { ConfigLoadError } from "../errors/config-load-error.js";
import { keyOf } from "../mapping/parameter-names.js";
import {
  type ConfigSource,
  type EntryValue,
  makeSourceState,
  type ParameterEntry,
  type SourceState,
  sameSourceState,
} from "./contract.js";

/** Options of {@link fileSource}. */
export interface FileSourceOptions {
  /** Reload when the file changes (debounced); an invalid edit keeps the last good snapshot. @default false */
  watch?: boolean;
  /** Quiet time after the last file event before reloading. @default 100 */
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
    throw new ConfigLoadError(
      'fileSource: pass the path of a JSON file, e.g. fileSource("./config.json").',
    );
  }
  const debounceMs = options.debounceMs ?? 100;
  if (!Number.isFinite(debounceMs) || debounceMs < 0) {
    throw new ConfigLoadError("fileSource: debounceMs must be a number of milliseconds >= 0.");
  }
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
        {
          parameter: file,
          cause: error,
        },
      );
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      // The parser's message quotes the text, which may hold secrets: say where, not what.
      throw new ConfigLoadError(
        `fileSource: ${file} is not valid JSON; fix the file (the last good config stays).`,
        {
          parameter: file,
        },
      );
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw new ConfigLoadError(`fileSource: ${file} must hold a JSON object of nested values.`, {
        parameter: file,
      });
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

function flatten(root: Record<string, unknown>, file: string): ParameterEntry[] {
  const entries: ParameterEntry[] = [];
  const visit = (value: unknown, segments: string[]) => {
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      for (const [key, child] of Object.entries(value)) visit(child, [...segments, key]);
      return;
    }
    if (segments.length === 0) return;
    entries.push({
      key: keyOf(segments),
      segments,
      parameter: `${file}#${segments.join("/")}`,
      // Parsed JSON, and not an object (those became branches above).
      value: value as EntryValue,
      version: createHash("sha256").update(JSON.stringify(value)).digest("hex").slice(0, 16),
      type: "Local",
      sensitive: false,
    });
  };
  visit(root, []);
  return entries;
}
