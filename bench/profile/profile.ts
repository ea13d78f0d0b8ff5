/**
 * Private profiling harnesses for the BUILT package (dist/, or another build passed by URL), on
 * the bench's in-process Parameter Store: what the bench scenarios measure, broken down.
 *
 *   node --expose-gc --import tsx bench/profile/profile.ts <mode> [dist url]
 *
 * Modes:
 * - `heapdiff`: two heap snapshots (SNAP_A, SNAP_B; default /tmp/a.heapsnapshot, /tmp/b...)
 *   around one load of N = 10,000, the store alive in both; diff them by (type, name).
 * - `loadprof`: 12 loads of N = 10,000 (add --cpu-prof).
 * - `eventprof`: 40 one-change handleEvent calls at N = 10,000 (add --cpu-prof; PASS=1 for a
 *   schema that returns its input).
 * - `direct`: loads on an SDK-free client (pages parsed beforehand), alternating two builds
 *   (DIST_B, else the same one) in one process; N (default 10,000), ZOD=1 for the zod schema.
 */
import { writeHeapSnapshot } from "node:v8";
import {
  MixedTree,
  parameterChangeEvent,
  parameterName,
  ReturnsInput,
  valueFor,
} from "../support/aws.js";
import { collector, collectQuietly, settledHeap } from "../support/heap.js";
import { InProcessParameterStore } from "../support/in-process-ssm.js";
import { median } from "../support/stats.js";

type Library = typeof import("../../src/index.js");

const mode = process.argv[2] ?? "";
const dist = process.argv[3] ?? new URL("../../dist/index.js", import.meta.url).href;
const library = (await import(dist)) as Library;
const { createConfig, ssmSource } = library;
const gc = collector();

if (mode === "heapdiff") {
  const n = 10_000;
  const root = "/bench/heapdiff";
  const store = InProcessParameterStore.mixed(root, n);
  const client = store.client();
  // A first load warms up every code path, so that the diff holds data, not compiled code.
  const warm = createConfig({ schema: MixedTree, sources: [ssmSource({ client, path: root })] });
  await warm.load();
  await warm.close();
  await settledHeap(gc);
  writeHeapSnapshot(process.env.SNAP_A ?? "/tmp/a.heapsnapshot");
  const config = createConfig({ schema: MixedTree, sources: [ssmSource({ client, path: root })] });
  await config.load();
  await settledHeap(gc);
  writeHeapSnapshot(process.env.SNAP_B ?? "/tmp/b.heapsnapshot");
  await config.close();
} else if (mode === "loadprof") {
  const n = 10_000;
  const root = "/bench/loadprof";
  const client = InProcessParameterStore.mixed(root, n).client();
  for (let run = 0; run < 12; run++) {
    const config = createConfig({
      schema: MixedTree,
      sources: [ssmSource({ client, path: root })],
    });
    await config.load();
    await config.close();
  }
} else if (mode === "eventprof") {
  const n = 10_000;
  const root = "/bench/eventprof";
  const store = InProcessParameterStore.mixed(root, n);
  const schema = process.env.PASS ? ReturnsInput : MixedTree;
  const config = createConfig({
    schema,
    sources: [ssmSource({ client: store.client(), path: root })],
  });
  await config.load();
  for (let change = 1; change <= 40; change++) {
    const index = ((change * 37) % Math.floor(n / 3)) * 3;
    const name = parameterName(root, index);
    store.put(name, valueFor(index, "String", change), "String");
    await config.handleEvent(parameterChangeEvent(name));
  }
  await config.close();
} else if (mode === "direct") {
  const builds = [library, (await import(process.env.DIST_B ?? dist)) as Library];
  const n = Number(process.env.N ?? 10_000);
  const root = "/bench/direct";
  const store = InProcessParameterStore.mixed(root, n);
  const schema = process.env.ZOD ? MixedTree : ReturnsInput;
  const runs: number[][] = [[], []];
  for (let round = 0; round < Number(process.env.RUNS ?? 40); round++) {
    for (const side of round % 2 ? [0, 1] : [1, 0]) {
      const { client, prepare } = store.preparsedClient();
      prepare(root);
      await collectQuietly(gc);
      const build = builds[side] as Library;
      const started = process.cpuUsage();
      const config = build.createConfig({
        schema,
        sources: [build.ssmSource({ client, path: root })],
      });
      await config.load();
      await config.close();
      const used = process.cpuUsage(started);
      if (round >= 4) runs[side]?.push((used.user + used.system) / n);
    }
  }
  const [a, b] = runs.map((values) => median(values).toFixed(2));
  console.log(
    `SDK-free load (${process.env.ZOD ? "zod" : "schema returns its input"}), us per parameter: A ${a}, B ${b}`,
  );
} else {
  console.error(
    "usage: node --expose-gc --import tsx bench/profile/profile.ts heapdiff|loadprof|eventprof|direct [dist url]",
  );
  process.exitCode = 2;
}
