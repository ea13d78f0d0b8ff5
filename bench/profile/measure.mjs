// Private measuring script for issue 12 (perf helper): node --expose-gc bench/profile/measure.mjs [what] [dist]
// Measures the BUILT package (dist/) against Powertools in one process, on an in-process SSM backend.
import { SSMProvider } from "@aws-lambda-powertools/parameters/ssm";
import { GetParametersByPathCommand } from "@aws-sdk/client-ssm";
import { MixedTree, mixed, nameOf, valueFor } from "./store.mjs";

const what = (process.argv[2] ?? "all").split(",");
const dist = process.argv[3] ?? new URL("../../dist/index.js", import.meta.url).href;
const { createConfig, ssmSource } = await import(dist);
const gc = globalThis.gc;
const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)];
};
const r1 = (x) => Math.round(x * 10) / 10;
async function settled() {
  let prev = Infinity;
  for (let i = 0; i < 8; i++) {
    await new Promise((r) => setImmediate(r));
    gc();
    const u = process.memoryUsage().heapUsed;
    if (Math.abs(prev - u) < 16384) return u;
    prev = u;
  }
  return prev;
}
async function cpu(fn) {
  const s = process.cpuUsage();
  const r = await fn();
  const d = process.cpuUsage(s);
  return { ms: (d.user + d.system) / 1000, r };
}
function event(name) {
  return {
    version: "0",
    id: "x",
    "detail-type": "Parameter Store Change",
    source: "aws.ssm",
    account: "123456789012",
    time: new Date().toISOString(),
    region: "us-east-1",
    resources: [`arn:aws:ssm:us-east-1:123456789012:parameter${name}`],
    detail: { operation: "Update", name, type: "String", description: "" },
  };
}

if (what.includes("all") || what.includes("heap")) {
  const n = 10_000,
    root = "/bench/mem";
  const store = mixed(root, n);
  const client = store.client();
  const ours = [],
    theirs = [];
  for (let run = 0; run < 6; run++) {
    const order = run % 2 ? ["t", "o"] : ["o", "t"];
    for (const side of order) {
      const before = await settled();
      let release;
      if (side === "o") {
        const config = createConfig({
          schema: MixedTree,
          sources: [ssmSource({ client, path: root })],
        });
        await config.load();
        release = () => config.close();
      } else {
        const p = new SSMProvider({ awsSdkV3Client: client });
        await p.getMultiple(root, { recursive: true, decrypt: true });
        release = async () => p.clearCache();
      }
      const after = await settled();
      (side === "o" ? ours : theirs).push((after - before) / n);
      await release();
    }
  }
  console.log(
    `heap/param N=10k: ours ${r1(median(ours))} B, powertools ${r1(median(theirs))} B, ratio ${r1((median(ours) / median(theirs)) * 10) / 10}x  (ours ${ours.map(Math.round)}, theirs ${theirs.map(Math.round)})`,
  );
}

if (what.includes("all") || what.includes("cpu")) {
  for (const n of [1000, 10000]) {
    const root = `/bench/cpu${n}`;
    const store = mixed(root, n);
    const cl = { o: store.client(), t: store.client(), r: store.client() };
    const s = { o: [], t: [], r: [] };
    const runs = n > 1000 ? 5 : 12;
    for (let run = 0; run < runs + 2; run++) {
      for (const side of run % 2 ? ["r", "t", "o"] : ["o", "t", "r"]) {
        gc();
        const { ms } = await cpu(async () => {
          if (side === "o") {
            const config = createConfig({
              schema: MixedTree,
              sources: [ssmSource({ client: cl.o, path: root })],
            });
            await config.load();
            await config.close();
          } else if (side === "t") {
            await new SSMProvider({ awsSdkV3Client: cl.t }).getMultiple(root, {
              recursive: true,
              decrypt: true,
            });
          } else {
            const values = {};
            let token;
            do {
              const a = await cl.r.send(
                new GetParametersByPathCommand({
                  Path: root,
                  Recursive: true,
                  WithDecryption: true,
                  NextToken: token,
                }),
              );
              for (const p of a.Parameters ?? []) values[p.Name] = p.Value;
              token = a.NextToken;
            } while (token);
          }
        });
        if (run >= 2) s[side].push((ms * 1000) / n);
      }
    }
    const o = median(s.o),
      t = median(s.t),
      r = median(s.r);
    console.log(
      `load CPU/param N=${n}: ours ${r1(o)} us, powertools ${r1(t)} us, sdk floor ${r1(r)} us; own: ours ${r1(o - r)} vs ${r1(t - r)} us (ratio ${r1((o - r) / (t - r))}x; in all ${r1((o / t) * 100) / 100}x)`,
    );
  }
}

const PassThrough = {
  "~standard": { version: 1, vendor: "pass", validate: (value) => ({ value }) },
};
for (const [mode, schema] of [
  ["event", MixedTree],
  ["eventpass", PassThrough],
]) {
  if (!(what.includes("all") || what.includes(mode))) continue;
  console.log(
    `${mode}: schema ${mode === "event" ? "zod MixedTree" : "pass-through (output = input)"}`,
  );
  const res = {};
  for (const n of [1000, 10000]) {
    const root = `/bench/ev${n}`;
    const store = mixed(root, n);
    const client = store.client();
    const config = createConfig({ schema, sources: [ssmSource({ client, path: root })] });
    await config.load();
    let g = 0;
    const change = () => {
      const i = ((g * 37) % Math.floor(n / 3)) * 3;
      const name = nameOf(root, i);
      store.put(name, valueFor(i, "String", ++g), "String");
      return name;
    };
    const ev = [],
      rf = [],
      sc = [];
    const plain = structuredClone(config.current);
    for (let run = 0; run < 14; run++) {
      const name = change();
      gc();
      const a = await cpu(async () => (await config.handleEvent(event(name))).length);
      if (a.r !== 1) throw new Error(`event applied ${a.r}`);
      change();
      gc();
      const b = await cpu(async () => (await config.refresh()).length);
      if (b.r !== 1) throw new Error(`refresh applied ${b.r}`);
      gc();
      const c = await cpu(async () => MixedTree["~standard"].validate(plain));
      if (run >= 3) {
        ev.push(a.ms);
        rf.push(b.ms);
        sc.push(c.ms);
      }
    }
    await config.close();
    res[n] = { ev: median(ev), rf: median(rf), sc: median(sc) };
    console.log(
      `N=${n}: handleEvent ${r1(res[n].ev)} ms, refresh ${r1(res[n].rf)} ms, schema alone ${r1(res[n].sc)} ms`,
    );
  }
  console.log(
    `handleEvent 10k/1k = ${r1(res[10000].ev / res[1000].ev)}x; minus schema ${r1((res[10000].ev - res[10000].sc) / (res[1000].ev - res[1000].sc))}x`,
  );
}

if (what.includes("eventprof")) {
  // Only handleEvent at N = 10,000, many times: run with --cpu-prof to see where one change goes.
  const n = 10000,
    root = "/bench/prof";
  const store = mixed(root, n);
  const schema = process.env.PASS ? PassThrough : MixedTree;
  const config = createConfig({
    schema,
    sources: [ssmSource({ client: store.client(), path: root })],
  });
  await config.load();
  for (let g = 1; g <= 40; g++) {
    const i = ((g * 37) % Math.floor(n / 3)) * 3;
    store.put(nameOf(root, i), valueFor(i, "String", g), "String");
    await config.handleEvent(event(nameOf(root, i)));
  }
  await config.close();
}

if (what.includes("heapsnap")) {
  // A heap snapshot with a loaded N = 10,000 config held; summarised by bench/profile/heap-summary.mjs.
  const { writeHeapSnapshot } = await import("node:v8");
  const n = Number(process.env.SNAP_N ?? 10000),
    root = "/bench/snap";
  const store = mixed(root, n);
  const client = store.client();
  const config = createConfig({ schema: MixedTree, sources: [ssmSource({ client, path: root })] });
  await config.load();
  store.params.clear();
  store.cache.clear();
  await settled();
  console.log(writeHeapSnapshot(process.env.SNAP ?? "/tmp/perf.heapsnapshot"));
  globalThis.keep = config;
}

if (what.includes("heapdiff")) {
  // Two heap snapshots, before and after one load of N = 10,000 (store emptied), for
  // diffing by (type, name): what a held parameter costs, object by object.
  const { writeHeapSnapshot } = await import("node:v8");
  const n = 10000,
    root = "/bench/hdiff";
  const store = mixed(root, n);
  const client = store.client();
  const warm = createConfig({ schema: MixedTree, sources: [ssmSource({ client, path: root })] });
  await warm.load();
  await warm.close();
  store.cache.clear();
  await settled();
  writeHeapSnapshot(process.env.SNAP_A ?? "/tmp/a.heapsnapshot");
  const config = createConfig({ schema: MixedTree, sources: [ssmSource({ client, path: root })] });
  await config.load();
  store.cache.clear();
  await settled();
  writeHeapSnapshot(process.env.SNAP_B ?? "/tmp/b.heapsnapshot");
  globalThis.keep = config;
}

if (what.includes("loadprof")) {
  // Only loads at N = 10,000: run with --cpu-prof to see where a load's own work goes.
  const n = 10000,
    root = "/bench/lprof";
  const store = mixed(root, n);
  const client = store.client();
  for (let r = 0; r < 12; r++) {
    const config = createConfig({
      schema: MixedTree,
      sources: [ssmSource({ client, path: root })],
    });
    await config.load();
    await config.close();
  }
}

if (what.includes("all") || what.includes("redacted")) {
  const res = {};
  for (const n of [1000, 10000]) {
    const root = `/bench/red${n}`;
    const config = createConfig({
      schema: MixedTree,
      sources: [ssmSource({ client: mixed(root, n).client(), path: root })],
    });
    await config.load();
    config.redacted();
    const t = [];
    for (let r = 0; r < 9; r++) {
      gc();
      t.push((await cpu(async () => config.redacted())).ms);
    }
    res[n] = median(t);
    await config.close();
  }
  console.log(
    `redacted(): N=1k ${r1(res[1000])} ms, N=10k ${r1(res[10000])} ms (${r1(res[10000] / res[1000])}x)`,
  );
}
