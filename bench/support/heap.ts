import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/** `global.gc`, exposed at run time when node was not started with --expose-gc. */
export function collector(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
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
