import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/** `global.gc`, exposed at run time when node was not started with --expose-gc. */
export function collector(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}

/**
 * A full collection, then a pause for V8's helper threads: they go on sweeping after `gc()`
 * returns, and process.cpuUsage() (every thread of the process) would charge that work to what is
 * measured next, the more the larger the heap. Beside a large heap, one `redacted()` of 10,000
 * values measured 35 ms right after `gc()` and 10.5 ms after this pause.
 */
export async function collectQuietly(gc: () => void): Promise<void> {
  gc();
  await new Promise((resolve) => setTimeout(resolve, 25));
}

/** Full collections until the heap stops shrinking, so that only live objects are counted. */
export async function settledHeap(gc: () => void): Promise<number> {
  let previous = Number.POSITIVE_INFINITY;
  for (let attempt = 0; attempt < 6; attempt++) {
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    const used = process.memoryUsage().heapUsed;
    if (Math.abs(previous - used) < 16_384) return used;
    previous = used;
  }
  return previous;
}
