import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { SSMProvider } from "@aws-lambda-powertools/parameters/ssm";
import { createConfig, ssmSource } from "../../src/index.js";
import { MixedTree, ssmClient } from "../support/aws.js";
import { type BenchEnv, ratioOf, type ScenarioResult } from "../support/results.js";
import { median, round } from "../support/stats.js";

/** `global.gc`, exposed at run time when node was not started with --expose-gc. */
function collector(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}

/** Full collections until the heap stops shrinking, so that only live objects are counted. */
async function settledHeap(gc: () => void): Promise<number> {
  let previous = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 6; round++) {
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    const used = process.memoryUsage().heapUsed;
    if (Math.abs(previous - used) < 16_384) return used;
    previous = used;
  }
  return previous;
}

/**
 * Scenario 6: heap bytes per held parameter, N = 1,000. The heap is measured (after full
 * collections) before loading and while the loaded object is still referenced: ssm-config's
 * loader (entries with versions, the frozen snapshot, the source snapshot), Powertools'
 * provider (its cache of the path's values).
 */
export async function memory(env: BenchEnv, root: string, n: number): Promise<ScenarioResult> {
  const gc = collector();
  const client = ssmClient(env.endpoint);
  const measure = async (load: () => Promise<{ release(): Promise<void> }>) => {
    const before = await settledHeap(gc);
    const loaded = await load();
    const after = await settledHeap(gc);
    await loaded.release();
    return (after - before) / n;
  };
  const ours = async () =>
    measure(async () => {
      const config = createConfig({
        schema: MixedTree,
        sources: [ssmSource({ client, path: root })],
      });
      await config.load();
      return { release: () => config.close() };
    });
  const theirs = async () =>
    measure(async () => {
      const provider = new SSMProvider({ awsSdkV3Client: client });
      await provider.getMultiple(root, { recursive: true, decrypt: true });
      return { release: async () => provider.clearCache() };
    });

  const samples = { ours: [] as number[], theirs: [] as number[] };
  for (let run = 0; run < env.warmups + env.runs; run++) {
    const a = await ours();
    const b = await theirs();
    if (run >= env.warmups) {
      samples.ours.push(a);
      samples.theirs.push(b);
    }
  }
  client.destroy();

  const side = (values: number[]) => ({
    bytesPerParameter: round(median(values)),
    minBytesPerParameter: round(Math.min(...values)),
    maxBytesPerParameter: round(Math.max(...values)),
    runs: values.length,
  });
  const oursSide = side(samples.ours);
  const theirSide = side(samples.theirs);
  return {
    scenario: "6-memory",
    title: `Heap bytes per held parameter, N = ${n}`,
    n,
    ours: oursSide,
    powertools: theirSide,
    ratio: ratioOf(oursSide.bytesPerParameter, theirSide.bytesPerParameter),
    ratioOf: "bytesPerParameter",
    betterWhen: "lower",
    notes: [
      "ssm-config holds, per parameter, an entry (name, key path, type, version, last-modified date; SecureStrings wrapped), the value in the frozen snapshot (StringLists as arrays) and the source's snapshot maps; Powertools holds the path's values as one plain object of strings.",
      "Measured with process.memoryUsage().heapUsed after forced full collections, with the loaded object still referenced; values are ~30-character strings.",
    ],
  };
}
