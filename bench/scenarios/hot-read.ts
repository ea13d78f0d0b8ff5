import { SSMProvider } from "@aws-lambda-powertools/parameters/ssm";
import { createConfig, ssmSource } from "../../src/index.js";
import { MixedTree, parameterName, ssmClient } from "../support/aws.js";
import { type BenchEnv, ratioOf, type ScenarioResult } from "../support/results.js";
import { median, round, spread } from "../support/stats.js";

type Group = Record<string, string | string[]>;

/** Each measured run reads for at least this long. */
const RUN_MS = 250;

/**
 * Scenario 3: reads per second of one nested value once loaded. ssm-config: the synchronous
 * `config.current.g2.p42`. Powertools: `await provider.get(name)` answered from its cache (the
 * way a handler reads a value on every request). Results feed a sink so nothing is optimised
 * away.
 */
export async function hotRead(env: BenchEnv, root: string): Promise<ScenarioResult> {
  const index = 42;
  const name = parameterName(root, index);
  const client = ssmClient(env.endpoint);
  const config = createConfig({ schema: MixedTree, sources: [ssmSource({ client, path: root })] });
  await config.load();
  const provider = new SSMProvider({ awsSdkV3Client: client });
  const expected = await provider.get(name, { maxAge: 3_600 });
  if ((config.current.g2 as Group).p42 !== expected)
    throw new Error("the two libraries disagree on p42");

  let sink = 0;
  const ours = (): number => {
    const started = performance.now();
    let reads = 0;
    let elapsed = 0;
    do {
      for (let i = 0; i < 100_000; i++) sink += ((config.current.g2 as Group).p42 as string).length;
      reads += 100_000;
      elapsed = performance.now() - started;
    } while (elapsed < RUN_MS);
    return (reads / elapsed) * 1000;
  };
  const theirsWith = async (options?: { maxAge: number }): Promise<number> => {
    const started = performance.now();
    let reads = 0;
    let elapsed = 0;
    do {
      for (let i = 0; i < 10_000; i++)
        sink += ((await provider.get(name, options)) as string).length;
      reads += 10_000;
      elapsed = performance.now() - started;
    } while (elapsed < RUN_MS);
    return (reads / elapsed) * 1000;
  };
  // Its fastest form: options given, so get() does not consult the environment for defaults.
  const theirs = () => theirsWith({ maxAge: 3_600 });

  const rates = { ours: [] as number[], theirs: [] as number[] };
  for (let run = 0; run < env.warmups + env.runs; run++) {
    let a: number;
    let b: number;
    if (run % 2 === 0) {
      a = ours();
      b = await theirs();
    } else {
      b = await theirs();
      a = ours();
    }
    if (run < env.warmups) continue;
    rates.ours.push(a);
    rates.theirs.push(b);
  }
  // The documented default call, get(name): it reads its default maxAge from the environment on
  // every call; the value stays cached (a refetch at most every 5 s, one call in millions).
  const defaults: number[] = [];
  for (let run = 0; run < env.warmups + env.runs; run++) {
    const rate = await theirsWith();
    if (run >= env.warmups) defaults.push(rate);
  }
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
    defaultCallReadsPerSecond: round(median(defaults)),
  };
  const ratio = ratioOf(oursSide.readsPerSecond, theirSide.readsPerSecond);
  return {
    scenario: "3-hot-read",
    title: "Hot read of a nested value",
    n: 1,
    ours: oursSide,
    powertools: theirSide,
    ratio,
    ratioOf: "readsPerSecond",
    betterWhen: "higher",
    target: {
      goal: "at least 100 times more reads per second",
      met: ratio !== null && ratio >= 100,
      detail: `${ratio}x: ${oursSide.readsPerSecond.toExponential(2)} vs ${theirSide.readsPerSecond.toExponential(2)} reads/s (get(name, { maxAge })); ${round(oursSide.readsPerSecond / theirSide.defaultCallReadsPerSecond)}x against get(name) without options`,
    },
    notes: [
      "ssm-config: a property read on the current frozen snapshot. Powertools: an async get() per read, answered from its cache; the table shows its fastest form, get(name, { maxAge: 3600 }).",
      `Powertools' documented default call, get(name) without options, reads its defaults from the environment on every call: ${theirSide.defaultCallReadsPerSecond.toExponential(2)} reads/s, so ssm-config reads ${round(oursSide.readsPerSecond / theirSide.defaultCallReadsPerSecond)} times as many per second as that form.`,
    ],
  };
}
