import type { SsmClientLike } from "../sources/ssm/index.js";

/** Counts what a long listing has fetched so far. */
export interface ProgressReporter {
  /** Adds `count` items to the running total. */
  add(count: number): void;
  /** Clears the progress line, if one was shown. */
  done(): void;
}

/** Options of {@link progressReporter}. */
export interface ProgressOptions {
  /** Show nothing until the listing has run this long, so that short ones never flicker. @default 250 */
  delayMs?: number;
  /** Time source, for tests. @default Date.now */
  now?: () => number;
}

const CLEAR_LINE = "\r\u001b[2K";

/**
 * A progress line on `stream` (stderr) such as `Reading /app/prod: 120 parameters`, redrawn in
 * place. It shows only when `stream` is a terminal: piped or redirected output carries none.
 */
export function progressReporter(
  stream: { isTTY?: boolean; write(text: string): unknown },
  label: string,
  options: ProgressOptions = {},
): ProgressReporter {
  if (!stream.isTTY) return { add() {}, done() {} };
  const now = options.now ?? Date.now;
  const delayMs = options.delayMs ?? 250;
  const start = now();
  let total = 0;
  let shown = false;
  return {
    add(count) {
      total += count;
      if (now() - start < delayMs) return;
      shown = true;
      stream.write(`${CLEAR_LINE}${label}: ${total} parameter${total === 1 ? "" : "s"}`);
    },
    done() {
      if (shown) stream.write(CLEAR_LINE);
      shown = false;
    },
  };
}

/**
 * Wraps a client so that every answer carrying `Parameters` (a page of a listing) counts
 * towards `progress`; used where the library does the listing.
 */
export function countingClient(client: SsmClientLike, progress: ProgressReporter): SsmClientLike {
  return {
    async send(command, options) {
      const response = await client.send(command, options);
      const parameters = (response as { Parameters?: unknown[] } | undefined)?.Parameters;
      if (Array.isArray(parameters)) progress.add(parameters.length);
      return response;
    },
  };
}
