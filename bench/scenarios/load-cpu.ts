import { SSMProvider } from "@aws-lambda-powertools/parameters/ssm";
import { GetParametersByPathCommand, type SSMClient } from "@aws-sdk/client-ssm";
import { createConfig, ssmSource } from "../../src/index.js";
import { MixedTree, ReturnsInput } from "../support/aws.js";
import { collector, collectQuietly } from "../support/heap.js";
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
 * Each form minus the floor is that library's own work. That difference is small against the
 * SDK's work and its noise, so own work is also measured directly: the same loads on a client
 * whose `send` answers pages parsed beforehand (no SDK work at all, see `preparsedClient`).
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
  const direct = {
    ours: store.preparsedClient(),
    oursOwn: store.preparsedClient(),
    theirs: store.preparsedClient(),
  };
  const run = async (work: () => Promise<number>) => {
    // Collect the previous run's garbage outside the measured part.
    await collectQuietly(gc);
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
  const powertools = (client: SSMClient) =>
    run(async () => {
      const provider = new SSMProvider({ awsSdkV3Client: client });
      const values = await provider.getMultiple(root, { recursive: true, decrypt: true });
      return Object.keys(values ?? {}).length;
    });
  const samples = await rotate(env, {
    ours: () => load(MixedTree, clients.ours),
    oursOwn: () => load(ReturnsInput, clients.oursOwn),
    directOurs: () => {
      direct.ours.prepare(root);
      return load(MixedTree, direct.ours.client);
    },
    directOursOwn: () => {
      direct.oursOwn.prepare(root);
      return load(ReturnsInput, direct.oursOwn.client);
    },
    directTheirs: () => {
      direct.theirs.prepare(root);
      return powertools(direct.theirs.client);
    },
    theirs: () => powertools(clients.theirs),
    raw: () => run(async () => Object.keys(await rawPaging(clients.raw, root)).length),
  });
  for (const client of Object.values(clients)) client.destroy();
  for (const { client } of Object.values(direct)) client.destroy();

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
  // Own work measured directly (no SDK work in the run at all): far less noisy than a
  // difference of two runs that are each 90 % SDK.
  const directOurs = round(median(samples.directOurs));
  const directOursOwn = round(median(samples.directOursOwn));
  const directTheirs = round(median(samples.directTheirs));
  const directRatio = ratioOf(directOursOwn, directTheirs);
  return {
    scenario: "8-load-cpu",
    title: `Load CPU per parameter, N = ${n.toLocaleString("en-US")}`,
    n,
    ours: {
      ...ours,
      sdkFloorUsPerParameter: round(floor),
      noSchemaCpuUsPerParameter: oursOwn.cpuUsPerParameter,
      noSchemaOwnCpuUsPerParameter: oursOwn.ownCpuUsPerParameter,
      sdkFreeCpuUsPerParameter: directOurs,
      sdkFreeNoSchemaCpuUsPerParameter: directOursOwn,
    },
    powertools: { ...theirs, sdkFreeCpuUsPerParameter: directTheirs },
    ratio: ratioOf(ours.cpuUsPerParameter, theirs.cpuUsPerParameter),
    pairedRatio: pairedRatio(samples.ours, samples.theirs),
    ratioOf: "cpuUsPerParameter",
    betterWhen: "lower",
    target: {
      goal: "own load CPU per parameter (no SDK work; without the schema's) at most Powertools'",
      met: directRatio !== null && directRatio <= 1,
      detail: `own work, SDK-free client: ${directOursOwn} us with a schema that returns its input, ${directOurs} us with the zod schema, Powertools ${directTheirs} us (ratio ${directRatio}); with the SDK: ${ours.cpuUsPerParameter} us vs ${theirs.cpuUsPerParameter} us in all (ratio ${ratioOf(ours.cpuUsPerParameter, theirs.cpuUsPerParameter)}), the SDK alone ${round(floor)} us, own by difference ${oursOwn.ownCpuUsPerParameter} us (${ours.ownCpuUsPerParameter} us with zod) vs ${theirs.ownCpuUsPerParameter} us`,
    },
    notes: [
      `CPU is this process's user + system time (process.cpuUsage()) per load, divided by N, with the SDK answering from memory (a custom requestHandler): both libraries' SDK clients still resolve credentials, serialise, sign and parse every page. Garbage left by the previous run is collected before each run, outside the measured part.`,
      `Own work, measured directly: the same loads on an SSMClient whose send() answers pages parsed beforehand (fresh strings and Dates per run, built outside the measured part), so that nothing of the SDK runs: ssm-config ${directOursOwn} us per parameter with a schema that returns its input (mapping names to keys, entries with versions and times, the tree, freezing), ${directOurs} us with the zod schema (the difference is zod validating the tree and building its output), Powertools ${directTheirs} us (copying the values into its result and cache; no validation).`,
      `By difference: the SDK alone (the same ${Math.ceil(n / 10)} GetParametersByPath pages sent directly, values copied into an object) costs ${round(floor)} us per parameter; each library's run minus the same round's SDK-alone run, median over rounds: ssm-config ${oursOwn.ownCpuUsPerParameter} us (schema returns its input), ${ours.ownCpuUsPerParameter} us (zod), Powertools ${theirs.ownCpuUsPerParameter} us. The SDK's share is about 90 % of each run, so these differences carry its noise.`,
      `${ours.runs} runs of each form after ${env.warmups} warm-up rounds, in a rotating order.`,
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
