import { SSMProvider } from "@aws-lambda-powertools/parameters/ssm";
import { createConfig, ssmSource } from "../../src/index.js";
import { MixedTree, parameterName, seed, ssmClient, typeFor, valueFor } from "../support/aws.js";
import { CallCounter } from "../support/call-counter.js";
import {
  alternate,
  type BenchEnv,
  pairedRatio,
  ratioOf,
  type ScenarioResult,
  time,
  timedSide,
} from "../support/results.js";

/**
 * Scenario 4: keeping N loaded values current, with nothing changed and with one value changed.
 * ssm-config: `config.refresh()` (DescribeParameters lists versions without decrypting; only
 * changed names are fetched). Powertools has no refresh: once its cache expires the next read
 * fetches the whole path again (`getMultiple(..., { forceFetch: true })`, the same calls).
 */
export async function refresh(
  env: BenchEnv,
  root: string,
  n: number,
  changed: 0 | 1,
): Promise<ScenarioResult> {
  const writer = ssmClient(env.endpoint);
  const ourClient = ssmClient(env.endpoint);
  const theirClient = ssmClient(env.endpoint);
  const ourCalls = new CallCounter(ourClient);
  const theirCalls = new CallCounter(theirClient);
  const config = createConfig({
    schema: MixedTree,
    sources: [ssmSource({ client: ourClient, path: root })],
  });
  await config.load();
  const provider = new SSMProvider({ awsSdkV3Client: theirClient });
  await provider.getMultiple(root, { recursive: true, decrypt: true });
  let generation = 1_000 * (changed + 1);

  // One new version per run, seen by both sides, written by a client neither side counts.
  let changedRun = -1;
  const change = async (run: number) => {
    if (changed === 0 || changedRun === run) return;
    changedRun = run;
    const index = run * 7 + 3;
    const type = typeFor(index);
    await seed(writer, [
      { name: parameterName(root, index), type, value: valueFor(index, type, generation++) },
    ]);
  };

  let ourChanges = -1;
  const samples = await alternate(
    env,
    async (run) => {
      await change(run);
      ourCalls.reset();
      const ms = await time(async () => {
        ourChanges = (await config.refresh()).length;
      });
      if (ourChanges !== changed) throw new Error(`refresh applied ${ourChanges} changes`);
      return ms;
    },
    async (run) => {
      await change(run);
      theirCalls.reset();
      return time(() =>
        provider.getMultiple(root, { recursive: true, decrypt: true, forceFetch: true }),
      );
    },
  );
  const ourCount = ourCalls.read();
  const theirCount = theirCalls.read();
  await config.close();
  for (const client of [writer, ourClient, theirClient]) client.destroy();

  const describePages = ourCount.byCommand.DescribeParameters ?? 0;
  const ours = {
    ...timedSide(samples.ours),
    calls: ourCount.total,
    decryptingCalls: ourCount.decrypting,
    callsByCommand: ourCount.byCommand,
    awsCalls: Math.ceil(n / 50) + changed,
  };
  const theirs = {
    ...timedSide(samples.theirs),
    calls: theirCount.total,
    decryptingCalls: theirCount.decrypting,
    callsByCommand: theirCount.byCommand,
    awsCalls: Math.ceil(n / 10),
  };
  const label = changed ? "one value changed" : "nothing changed";
  return {
    scenario: changed ? "4-refresh-one-changed" : "4-refresh-unchanged",
    title: `Refresh, ${label}, N = ${n}`,
    n,
    ours,
    powertools: theirs,
    ratio: ratioOf(ours.medianMs, theirs.medianMs),
    pairedRatio: pairedRatio(samples.ours, samples.theirs),
    ratioOf: "medianMs",
    betterWhen: "lower",
    ...(changed === 0
      ? {
          target: {
            goal: "zero decrypting calls when nothing changed",
            met: ours.decryptingCalls === 0,
            detail: `${ours.decryptingCalls} decrypting calls (Powertools ${theirs.decryptingCalls}); ${ours.calls} calls in all vs ${theirs.calls}`,
          },
        }
      : {}),
    notes: [
      `moto's DescribeParameters ignores MaxResults and pages by 10 (and adds an empty last page), so a version check costs ${describePages} DescribeParameters calls here; on AWS it pages by 50: ceil(${n}/50) = ${Math.ceil(n / 50)}.`,
      "Wall time under moto is dominated by those pages, which moto answers by scanning every parameter it holds; the ratio of calls, and of decrypting calls, is what carries over to AWS.",
      ...(changed
        ? ["ssm-config fetches only the changed name (one GetParameters, decrypted)."]
        : []),
    ],
  };
}
