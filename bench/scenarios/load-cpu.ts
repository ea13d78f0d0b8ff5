import { SSMProvider } from "@aws-lambda-powertools/parameters/ssm";
import { GetParametersByPathCommand, type SSMClient } from "@aws-sdk/client-ssm";
import { createConfig, ssmSource } from "../../src/index.js";
import { MixedTree, ReturnsInput } from "../support/aws.js";
import { collector } from "../support/heap.js";
import { InProcessParameterStore } from "../support/in-process-ssm.js";
import {
  type BenchEnv,
  measureCpu,
  pairedRatio,
  ratioOf,
  rotate,
  type ScenarioResult,
} from "../support/results.js";
import { median, round, spread } from "../support/stats.js";

/**
 * Scenario 8: CPU per loaded parameter, on the in-process backend, so that the process's CPU
 * time is the library's work plus the SDK's (credentials, serialising, signing, parsing), with
 * no emulator and no network. Four forms in a rotating order, the same number of runs each:
 * ssm-config (`createConfig` + `load()`) with the zod schema, and with a schema that returns its
 * input (what is left is ssm-config's own work: the zod schema's is the difference), Powertools
 * (`getMultiple(path, { recursive: true, decrypt: true })`), and the floor: the same
 * `GetParametersByPath` pages sent with the SDK directly, values copied into a plain object.
 * Each form minus the floor is that library's own work.
 */
export async function loadCpu(env: BenchEnv, n: number): Promise<ScenarioResult> {
  const gc = collector();
  const root = `/bench/cpu${n}`;
  const store = InProcessParameterStore.mixed(root, n);
  const clients = {
    ours: store.client(),
    oursOwn: store.client(),
    theirs: store.client(),
    raw: store.client(),
  };
  const run = async (work: () => Promise<number>) => {
    // Collect the previous run's garbage outside the measured part.
    gc();
    let held = 0;
    const { cpuMs } = await measureCpu(async () => {
      held = await work();
    });
    if (held !== n) throw new Error(`a load held ${held} of ${n} parameters`);
    return (cpuMs * 1000) / n;
  };
  const load = (schema: typeof MixedTree | typeof ReturnsInput, client: SSMClient) =>
    run(async () => {
      const config = createConfig({ schema, sources: [ssmSource({ client, path: root })] });
      const value = await config.load();
      await config.close();
      return Object.values(value).reduce((sum, group) => sum + Object.keys(group).length, 0);
    });
  const samples = await rotate(env, {
    ours: () => load(MixedTree, clients.ours),
    oursOwn: () => load(ReturnsInput, clients.oursOwn),
    theirs: () =>
      run(async () => {
        const provider = new SSMProvider({ awsSdkV3Client: clients.theirs });
        const values = await provider.getMultiple(root, { recursive: true, decrypt: true });
        return Object.keys(values ?? {}).length;
      }),
    raw: () => run(async () => Object.keys(await rawPaging(clients.raw, root)).length),
  });
  for (const client of Object.values(clients)) client.destroy();

  // Own work: each run minus the same round's SDK-alone run, so that drift between rounds
  // cancels; then the median.
  const own = (values: number[]) =>
    median(values.map((value, index) => value - (samples.raw[index] as number)));
  const side = (values: number[]) => {
    const s = spread(values);
    return {
      cpuUsPerParameter: round(s.median),
      p25CpuUsPerParameter: round(s.p25),
      p75CpuUsPerParameter: round(s.p75),
      ownCpuUsPerParameter: round(own(values)),
      runs: s.runs,
    };
  };
  const floor = median(samples.raw);
  const ours = side(samples.ours);
  const oursOwn = side(samples.oursOwn);
  const theirs = side(samples.theirs);
  // Powertools' own share can fall within the noise of the floor (at or below zero): then
  // there is no meaningful ratio, and ours is compared with zero.
  const ownRatio =
    theirs.ownCpuUsPerParameter > 0
      ? ratioOf(oursOwn.ownCpuUsPerParameter, theirs.ownCpuUsPerParameter)
      : null;
  const ownDetail =
    ownRatio === null
      ? `Powertools' own work is within the noise of the SDK floor (${theirs.ownCpuUsPerParameter} us), ours ${oursOwn.ownCpuUsPerParameter} us`
      : `own work (a schema that returns its input) ${oursOwn.ownCpuUsPerParameter} us vs ${theirs.ownCpuUsPerParameter} us per parameter (ratio ${ownRatio})`;
  return {
    scenario: "8-load-cpu",
    title: `Load CPU per parameter, N = ${n.toLocaleString("en-US")}`,
    n,
    ours: {
      ...ours,
      sdkFloorUsPerParameter: round(floor),
      noSchemaCpuUsPerParameter: oursOwn.cpuUsPerParameter,
      noSchemaOwnCpuUsPerParameter: oursOwn.ownCpuUsPerParameter,
    },
    powertools: theirs,
    ratio: ratioOf(ours.cpuUsPerParameter, theirs.cpuUsPerParameter),
    pairedRatio: pairedRatio(samples.ours, samples.theirs),
    ratioOf: "cpuUsPerParameter",
    betterWhen: "lower",
    target: {
      goal: "own load CPU per parameter (above the SDK's, without the schema's) at most Powertools'",
      met: oursOwn.ownCpuUsPerParameter <= Math.max(theirs.ownCpuUsPerParameter, 0),
      detail: `${ownDetail}; with the zod schema ${ours.ownCpuUsPerParameter} us; in all, SDK and zod included, ${ours.cpuUsPerParameter} us vs ${theirs.cpuUsPerParameter} us (ratio ${ratioOf(ours.cpuUsPerParameter, theirs.cpuUsPerParameter)}); the SDK alone ${round(floor)} us`,
    },
    notes: [
      `CPU is this process's user + system time (process.cpuUsage()) per load, divided by N, with the SDK answering from memory (a custom requestHandler): both libraries' SDK clients still resolve credentials, serialise, sign and parse every page. Garbage left by the previous run is collected before each run, outside the measured part.`,
      `The SDK alone (the same ${Math.ceil(n / 10)} GetParametersByPath pages sent directly, values copied into an object): ${round(floor)} us per parameter. "Own" is the median over rounds of each library's run minus the same round's SDK-alone run: ssm-config ${oursOwn.ownCpuUsPerParameter} us with a schema that returns its input (mapping names to keys, entries with versions and times, the tree, freezing), ${ours.ownCpuUsPerParameter} us with the zod schema (the difference is zod validating the tree and building its output), Powertools ${theirs.ownCpuUsPerParameter} us (its cache; no validation).`,
      `${ours.runs} runs each after ${env.warmups} warm-up rounds, in a rotating order.`,
    ],
  };
}

/** Every page of `path`, sent one after another with the SDK, as both libraries page. */
async function rawPaging(client: SSMClient, path: string): Promise<Record<string, string>> {
  const values: Record<string, string> = {};
  let token: string | undefined;
  for (let page = 0; page < 100_000; page++) {
    const answer = await client.send(
      new GetParametersByPathCommand({
        Path: path,
        Recursive: true,
        WithDecryption: true,
        NextToken: token,
      }),
    );
    for (const parameter of answer.Parameters ?? []) {
      values[parameter.Name as string] = parameter.Value as string;
    }
    token = answer.NextToken;
    if (!token) break;
  }
  return values;
}
