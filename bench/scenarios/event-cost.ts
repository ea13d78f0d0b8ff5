import {
  DescribeParametersCommand,
  GetParametersCommand,
  type SSMClient,
} from "@aws-sdk/client-ssm";
import { createConfig, ssmSource } from "../../src/index.js";
import {
  MixedTree,
  parameterChangeEvent,
  parameterName,
  ReturnsInput,
  valueFor,
} from "../support/aws.js";
import { collector, collectQuietly } from "../support/heap.js";
import { InProcessParameterStore } from "../support/in-process-ssm.js";
import { type BenchEnv, measureCpu, rotate, type ScenarioResult } from "../support/results.js";
import { median, round } from "../support/stats.js";

/**
 * Scenario 9: what applying one changed value costs ssm-config at N held values, on the
 * in-process backend: one `handleEvent` naming the changed parameter (one GetParameters), and
 * one `refresh()` that finds it (DescribeParameters over the path, then one GetParameters).
 * The refresh's version listing is O(N) SDK work by nature, so it is also measured alone (the
 * floor) and subtracted. Also measured: the schema alone, validating the whole tree (the one
 * O(N) step the target allows), and handleEvent on a second loader whose schema returns its
 * input (ssm-config's own work, without the schema's). Powertools has no equivalent: it has no
 * events and no refresh; its only way to see a change is to fetch again (scenario 4).
 */
export async function eventCost(env: BenchEnv, n: number): Promise<ScenarioResult> {
  const gc = collector();
  const root = `/bench/events${n}`;
  const store = InProcessParameterStore.mixed(root, n);
  const client = store.client();
  const floorClient = store.client();
  const config = createConfig({ schema: MixedTree, sources: [ssmSource({ client, path: root })] });
  await config.load();
  const ownRoot = `/bench/events-own${n}`;
  const ownStore = InProcessParameterStore.mixed(ownRoot, n);
  const ownClient = ownStore.client();
  const own = createConfig({
    schema: ReturnsInput,
    sources: [ssmSource({ client: ownClient, path: ownRoot })],
  });
  await own.load();

  // Each change writes a new value of a String parameter (index divisible by 3), a different one
  // each time.
  let generation = 0;
  const change = (where = store, under = root) => {
    const index = ((generation * 37) % Math.floor(n / 3)) * 3;
    const name = parameterName(under, index);
    where.put(name, valueFor(index, "String", ++generation), "String");
    return name;
  };
  const measure = async (work: () => Promise<number>, expected = 1) => {
    await collectQuietly(gc);
    let applied = 0;
    const { cpuMs } = await measureCpu(async () => {
      applied = await work();
    });
    if (applied !== expected) throw new Error(`${applied} changes applied, ${expected} expected`);
    return cpuMs;
  };
  const plain = structuredClone(config.current);
  const samples = await rotate(env, {
    event: () => {
      const name = change();
      return measure(async () => (await config.handleEvent(parameterChangeEvent(name))).length);
    },
    eventOwn: () => {
      const name = change(ownStore, ownRoot);
      return measure(async () => (await own.handleEvent(parameterChangeEvent(name))).length);
    },
    refresh: () => {
      change();
      return measure(async () => (await config.refresh()).length);
    },
    // No write: the loader must not miss a version between runs.
    floor: () => measure(async () => versionFloor(floorClient, root, parameterName(root, 0))),
    schema: () =>
      measure(async () => {
        const result = await MixedTree["~standard"].validate(plain);
        return "issues" in result && result.issues ? 0 : 1;
      }),
  });
  await config.close();
  await own.close();
  client.destroy();
  ownClient.destroy();
  floorClient.destroy();

  const floor = median(samples.floor);
  const refreshCpu = median(samples.refresh);
  return {
    scenario: "9-event-cost",
    title: `One changed value applied, N = ${n.toLocaleString("en-US")}`,
    n,
    ours: {
      handleEventCpuMs: round(median(samples.event)),
      handleEventOwnCpuMs: round(median(samples.eventOwn)),
      refreshCpuMs: round(refreshCpu),
      refreshFloorCpuMs: round(floor),
      // Paired by round, so that drift between rounds cancels.
      refreshOwnCpuMs: round(
        median(samples.refresh.map((value, index) => value - (samples.floor[index] as number))),
      ),
      schemaCpuMs: round(median(samples.schema)),
      runs: samples.event.length,
    },
    powertools: null,
    ratio: null,
    ratioOf: "handleEventCpuMs",
    betterWhen: "lower",
    notes: [
      "CPU is this process's user + system time (process.cpuUsage()) from the call until it resolved, with the SDK answering from memory (a custom requestHandler), so it is ssm-config's work plus the SDK's for its calls.",
      "handleEvent: one EventBridge Parameter Store Change event naming the changed parameter: parsing it, one GetParameters, and applying the change (merge, diff, tree, schema, keeping the previous snapshot's unchanged branches, freeze, swap, change event).",
      "handleEvent, schema returns its input: the same on a second loader whose schema accepts the tree as it is, so that what is left is ssm-config's own work and the SDK's call; the zod schema's part is the difference (validating the whole tree, and comparing its brand-new output with the previous snapshot to keep unchanged branches).",
      `refresh(): the version check over the whole path (ceil(N/50) DescribeParameters pages) and one GetParameters, then applying as above. Its floor is the same SDK calls sent directly (${Math.ceil(n / 50)} DescribeParameters pages + one GetParameters): O(N) by nature; "own" is the median over rounds of refresh minus the same round's floor.`,
      "schema: the zod schema alone, validating the whole plain tree once; the one O(N) step the target allows.",
      "Powertools has no equivalent: it has no change events and no refresh; it sees a change only by fetching again once its cache expired (scenario 4).",
      `${samples.event.length} runs of each after ${env.warmups} warm-up rounds, in a rotating order.`,
    ],
  };
}

/** The SDK calls a one-change refresh sends: every DescribeParameters page, one GetParameters. */
async function versionFloor(client: SSMClient, path: string, changed: string): Promise<number> {
  let token: string | undefined;
  let seen = 0;
  for (let page = 0; page < 100_000; page++) {
    const answer = await client.send(
      new DescribeParametersCommand({
        ParameterFilters: [{ Key: "Path", Option: "Recursive", Values: [path] }],
        MaxResults: 50,
        NextToken: token,
      }),
    );
    seen += answer.Parameters?.length ?? 0;
    token = answer.NextToken;
    if (!token) break;
  }
  const fetched = await client.send(
    new GetParametersCommand({ Names: [changed], WithDecryption: true }),
  );
  return seen > 0 ? (fetched.Parameters?.length ?? 0) : 0;
}
