/**
 * Heap held per parameter by `ssmSource` at N = 10,000, over the in-process fake Parameter Store.
 * Answers pass through JSON, as the SDK parses them, so that every held string is the source's
 * own. Also the CPU time of one load per parameter, the fake's and JSON's work included (so
 * compare runs of this script, not with other figures).
 * Run: node --expose-gc --import tsx bench/ssm-entry-heap.ts
 */
import { createConfig, ssmSource } from "../src/index.js";
import { FakeParameterStore, FakeSsmClient } from "../test/support/fake-ssm.js";
import { ReturnsInput } from "./support/aws.js";
import { median } from "./support/stats.js";

const N = 10_000;
const ROUNDS = 5;

function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) throw new Error("run with node --expose-gc");
  for (let i = 0; i < 3; i++) collect();
}

function fleetStore(): FakeParameterStore {
  const store = new FakeParameterStore(() => Date.UTC(2026, 0, 1));
  for (let i = 0; i < N; i++) {
    const name = `/app/prod/service-${i % 50}/group-${i % 7}/param-${i}`;
    if (i % 10 === 9) store.put(name, `a${i},b${i},c${i}`, "StringList");
    else if (i % 5 === 4) store.put(name, `secret-value-${i}-xxxxxxxx`, "SecureString");
    else store.put(name, `value-${i}-some-text`, "String");
  }
  return store;
}

/** A client whose answers are fresh objects and strings, as the SDK's parser produces them. */
function parsingClient(fake: FakeSsmClient) {
  return {
    async send(command: unknown, options?: { abortSignal?: AbortSignal }) {
      const answer = await fake.send(command, options);
      return JSON.parse(JSON.stringify(answer), (key, value) =>
        key === "LastModifiedDate" ? new Date(value) : value,
      );
    },
  };
}

async function measure(kind: "source" | "loader"): Promise<number> {
  const store = fleetStore();
  const client = parsingClient(new FakeSsmClient(store));
  gc();
  const before = process.memoryUsage().heapUsed;
  let held: unknown;
  if (kind === "source") {
    held = await ssmSource({ client, path: "/app/prod" }).load({
      signal: new AbortController().signal,
    });
  } else {
    const config = createConfig({
      schema: ReturnsInput,
      sources: [ssmSource({ client, path: "/app/prod" })],
    });
    await config.load();
    held = config;
  }
  gc();
  const after = process.memoryUsage().heapUsed;
  if (!held) throw new Error("nothing held");
  return (after - before) / N;
}

for (const kind of ["source", "loader"] as const) {
  const samples: number[] = [];
  for (let round = 0; round < ROUNDS; round++) samples.push(await measure(kind));
  console.log(
    `${kind}: ${Math.round(median(samples))} B per parameter (median of ${ROUNDS}; ${samples.map(Math.round).join(", ")})`,
  );
}

/** CPU time (user + system) of one `ssmSource` load, per parameter. */
async function loadCpu(): Promise<number> {
  const client = parsingClient(new FakeSsmClient(fleetStore()));
  gc();
  const start = process.cpuUsage();
  await ssmSource({ client, path: "/app/prod" }).load({ signal: new AbortController().signal });
  const used = process.cpuUsage(start);
  return (used.user + used.system) / N;
}

await loadCpu(); // warm-up
const cpu: number[] = [];
for (let round = 0; round < ROUNDS; round++) cpu.push(await loadCpu());
console.log(
  `load CPU: ${median(cpu).toFixed(1)} us per parameter (median of ${ROUNDS}, fake and JSON included)`,
);
