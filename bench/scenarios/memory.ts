import { SSMProvider } from "@aws-lambda-powertools/parameters/ssm";
import { createConfig, ssmSource } from "../../src/index.js";
import { MixedTree, ReturnsInput } from "../support/aws.js";
import { collector, settledHeap } from "../support/heap.js";
import { InProcessParameterStore } from "../support/in-process-ssm.js";
import { type BenchEnv, ratioOf, rotate, type ScenarioResult } from "../support/results.js";
import { median, round } from "../support/stats.js";

/**
 * Scenario 6: heap bytes per held parameter, N = 10,000, on the in-process backend (the SDK
 * parses the same responses for both; no emulator). The heap is measured (after full
 * collections) before loading and while the loaded object is still referenced: ssm-config's
 * loader (entries with versions, the frozen snapshot, the source snapshot), Powertools'
 * provider (its cache of the path's values). The order alternates run by run. ssm-config is
 * also measured with a schema that returns its input: what it holds itself, without the zod
 * schema's output (zod copies every StringList into a new array).
 */
export async function memory(env: BenchEnv, n: number): Promise<ScenarioResult> {
  const gc = collector();
  const root = `/bench/memory${n}`;
  const store = InProcessParameterStore.mixed(root, n);
  const client = store.client();
  const measure = async (load: () => Promise<{ release(): Promise<void> }>) => {
    const before = await settledHeap(gc);
    const loaded = await load();
    const after = await settledHeap(gc);
    await loaded.release();
    return (after - before) / n;
  };
  const loaded = (schema: typeof MixedTree | typeof ReturnsInput) =>
    measure(async () => {
      const config = createConfig({ schema, sources: [ssmSource({ client, path: root })] });
      await config.load();
      return { release: () => config.close() };
    });
  const samples = await rotate(env, {
    ours: () => loaded(MixedTree),
    oursNoSchema: () => loaded(ReturnsInput),
    theirs: () =>
      measure(async () => {
        const provider = new SSMProvider({ awsSdkV3Client: client });
        await provider.getMultiple(root, { recursive: true, decrypt: true });
        return { release: async () => provider.clearCache() };
      }),
  });
  client.destroy();

  const side = (values: number[]) => ({
    bytesPerParameter: round(median(values)),
    minBytesPerParameter: round(Math.min(...values)),
    maxBytesPerParameter: round(Math.max(...values)),
    runs: values.length,
  });
  const oursSide = {
    ...side(samples.ours),
    noSchemaBytesPerParameter: round(median(samples.oursNoSchema)),
  };
  const theirSide = side(samples.theirs);
  const ratio = ratioOf(oursSide.bytesPerParameter, theirSide.bytesPerParameter);
  return {
    scenario: "6-memory",
    title: `Heap bytes per held parameter, N = ${n.toLocaleString("en-US")}`,
    n,
    ours: oursSide,
    powertools: theirSide,
    ratio,
    ratioOf: "bytesPerParameter",
    betterWhen: "lower",
    target: {
      goal: "at most 2.5 times Powertools' cache, while holding version and modification time",
      met: ratio !== null && ratio <= 2.5,
      detail: `${ratio}x: ${oursSide.bytesPerParameter} vs ${theirSide.bytesPerParameter} bytes per parameter`,
    },
    notes: [
      "ssm-config holds, per parameter, an entry (key, name, type, version, last-modified time; SecureStrings wrapped; StringLists as arrays) in its source's map, and the value in the frozen snapshot that the schema returned; Powertools holds the path's values as one plain object of strings, without versions.",
      `With a schema that returns its input, ssm-config holds ${oursSide.noSchemaBytesPerParameter} bytes per parameter: the rest of the ${oursSide.bytesPerParameter} is the zod schema's output (a new array per StringList, new objects for the tree).`,
      `Measured with process.memoryUsage().heapUsed after forced full collections, with the loaded object still referenced, on the in-process backend; values are ~30-character strings; ${oursSide.runs} runs each, which library goes first alternating.`,
    ],
  };
}
