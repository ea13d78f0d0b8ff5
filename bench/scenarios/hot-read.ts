import { SSMProvider } from "@aws-lambda-powertools/parameters/ssm";
import { createConfig, ssmSource } from "../../src/index.js";
import { MixedTree, parameterName, ssmClient } from "../support/aws.js";
import { type BenchEnv, ratioOf, rotate, type ScenarioResult } from "../support/results.js";
import { median, round, spread } from "../support/stats.js";

type Group = Record<string, string | string[]>;

/** Each measured run reads for at least this long (a quick run: 100 ms). */
const FULL_RUN_MS = 250;

/**
 * Scenario 3: reads per second of one nested value once loaded. ssm-config: the synchronous
 * `config.current.g2.p42`, a property read. Powertools: `await provider.get(name, { maxAge })`
 * answered from its cache (its read API, asynchronous): so the headline compares a property read
 * with an awaited call. Powertools has no synchronous read API (`BaseProvider.get` and
 * `getMultiple` are async; its cache map is protected); the nearest synchronous form is a
 * property read on the record `getMultiple` returned, which the application then holds itself
 * and which never changes: measured as a variant, with `get(name)` without options. All four
 * forms run the same number of times in a rotating order. Results feed a sink so nothing is
 * optimised away.
 */
export async function hotRead(env: BenchEnv, root: string): Promise<ScenarioResult> {
  const runMs = env.quick ? 100 : FULL_RUN_MS;
  const index = 42;
  const name = parameterName(root, index);
  const client = ssmClient(env.endpoint);
  const config = createConfig({ schema: MixedTree, sources: [ssmSource({ client, path: root })] });
  await config.load();
  const provider = new SSMProvider({ awsSdkV3Client: client });
  const expected = await provider.get(name, { maxAge: 3_600 });
  if ((config.current.g2 as Group).p42 !== expected)
    throw new Error("the two libraries disagree on p42");
  const record = (await provider.getMultiple(root, { recursive: true, maxAge: 3_600 })) as Record<
    string,
    string
  >;
  const relative = name.slice(root.length + 1);
  if (record[relative] !== expected) throw new Error("getMultiple's record disagrees on p42");

  let sink = 0;
  const syncRate = (read: () => string): number => {
    const started = performance.now();
    let reads = 0;
    let elapsed = 0;
    do {
      for (let i = 0; i < 100_000; i++) sink += read().length;
      reads += 100_000;
      elapsed = performance.now() - started;
    } while (elapsed < runMs);
    return (reads / elapsed) * 1000;
  };
  const asyncRate = async (options?: { maxAge: number }): Promise<number> => {
    const started = performance.now();
    let reads = 0;
    let elapsed = 0;
    do {
      for (let i = 0; i < 10_000; i++)
        sink += ((await provider.get(name, options)) as string).length;
      reads += 10_000;
      elapsed = performance.now() - started;
    } while (elapsed < runMs);
    return (reads / elapsed) * 1000;
  };

  const rates = await rotate(env, {
    ours: () => syncRate(() => (config.current.g2 as Group).p42 as string),
    // Options given, so get() does not consult the environment for defaults: its fastest call.
    theirs: () => asyncRate({ maxAge: 3_600 }),
    // The documented default call: reads its default maxAge from the environment on every call;
    // the value stays cached (a refetch at most every 5 s, one call in millions).
    defaults: () => asyncRate(),
    record: () => syncRate(() => record[relative] as string),
  });
  await config.close();
  client.destroy();
  if (sink === 0) throw new Error("nothing was read");

  const side = (values: number[]) => {
    const s = spread(values);
    return {
      readsPerSecond: round(s.median),
      p25ReadsPerSecond: round(s.p25),
      p75ReadsPerSecond: round(s.p75),
      runs: s.runs,
      nsPerRead: round(1e9 / s.median),
    };
  };
  const oursSide = side(rates.ours);
  const theirSide = {
    ...side(rates.theirs),
    defaultCallReadsPerSecond: round(median(rates.defaults)),
    recordReadsPerSecond: round(median(rates.record)),
  };
  const ratio = ratioOf(oursSide.readsPerSecond, theirSide.readsPerSecond);
  const versusRecord = round(oursSide.readsPerSecond / theirSide.recordReadsPerSecond);
  return {
    scenario: "3-hot-read",
    title: "Hot read of a nested value (a property read against an awaited get())",
    n: 1,
    ours: oursSide,
    powertools: theirSide,
    ratio,
    ratioOf: "readsPerSecond",
    betterWhen: "higher",
    target: {
      goal: "at least 100 times more reads per second",
      met: ratio !== null && ratio >= 100,
      detail: `${ratio}x: ${oursSide.readsPerSecond.toExponential(2)} vs ${theirSide.readsPerSecond.toExponential(2)} reads/s, a property read against an awaited get(name, { maxAge }); ${round(oursSide.readsPerSecond / theirSide.defaultCallReadsPerSecond)}x against get(name) without options; ${versusRecord}x against a property read on getMultiple's record`,
    },
    notes: [
      "What is compared: ssm-config's synchronous property read on the current frozen snapshot against Powertools' read API, an awaited get() answered from its cache (get(name, { maxAge: 3600 }), its fastest call). The gap is mostly that of a property read against an awaited async call, not of caching.",
      `Powertools has no synchronous read API. The nearest synchronous form, a property read on the record getMultiple(path) returned (held by the application, never updated): ${theirSide.recordReadsPerSecond.toExponential(2)} reads/s, ratio ours / that ${versusRecord} (two property reads of the same kind).`,
      `Powertools' documented default call, get(name) without options, reads its defaults from the environment on every call: ${theirSide.defaultCallReadsPerSecond.toExponential(2)} reads/s, so ssm-config reads ${round(oursSide.readsPerSecond / theirSide.defaultCallReadsPerSecond)} times as many per second as that form.`,
      `Each form ran ${env.runs} measured times (after ${env.warmups} warm-up rounds) of at least ${runMs} ms, in a rotating order.`,
    ],
  };
}
