import { SSMProvider } from "@aws-lambda-powertools/parameters/ssm";
import { createConfig, ssmSource } from "../../src/index.js";
import { MixedTree, ssmClient } from "../support/aws.js";
import { CallCounter } from "../support/call-counter.js";
import {
  alternate,
  type BenchEnv,
  measureCpu,
  pairedRatio,
  ratioOf,
  type ScenarioResult,
  timedSide,
} from "../support/results.js";
import { median, round } from "../support/stats.js";

/**
 * Scenario 1: a cold load of a whole path of `n` parameters (String, StringList, SecureString).
 * ssm-config: `createConfig` + `load()` (GetParametersByPath, decrypted, every page, then the
 * schema). Powertools: `SSMProvider.getMultiple(path, { recursive: true, decrypt: true })`.
 * Each run uses a new loader / provider over the same warmed SDK client. Times are wall time;
 * CPU is this process's (process.cpuUsage), moto's being in its own process.
 */
export async function coldLoad(env: BenchEnv, root: string, n: number): Promise<ScenarioResult> {
  const ourClient = ssmClient(env.endpoint);
  const theirClient = ssmClient(env.endpoint);
  const ourCalls = new CallCounter(ourClient);
  const theirCalls = new CallCounter(theirClient);
  const callsPerRun = { ours: new Set<number>(), theirs: new Set<number>() };
  // This process's CPU time per run (moto runs in another process): the library's work plus
  // the SDK's, which is the same calls for both.
  const cpu = { ours: [] as number[], theirs: [] as number[] };

  const samples = await alternate(
    env,
    async () => {
      ourCalls.reset();
      let held = 0;
      const { wallMs, cpuMs } = await measureCpu(async () => {
        const config = createConfig({
          schema: MixedTree,
          sources: [ssmSource({ client: ourClient, path: root })],
        });
        const value = await config.load();
        held = Object.values(value).reduce((sum, group) => sum + Object.keys(group).length, 0);
        await config.close();
      });
      if (held !== n) throw new Error(`ssm-config loaded ${held} of ${n} parameters`);
      callsPerRun.ours.add(ourCalls.read().total);
      cpu.ours.push(cpuMs);
      return wallMs;
    },
    async () => {
      theirCalls.reset();
      let held = 0;
      const { wallMs, cpuMs } = await measureCpu(async () => {
        const provider = new SSMProvider({ awsSdkV3Client: theirClient });
        const values = await provider.getMultiple(root, { recursive: true, decrypt: true });
        held = Object.keys(values ?? {}).length;
      });
      if (held !== n) throw new Error(`Powertools loaded ${held} of ${n} parameters`);
      callsPerRun.theirs.add(theirCalls.read().total);
      cpu.theirs.push(cpuMs);
      return wallMs;
    },
  );
  // Warm-up runs are in `cpu` too; keep the measured ones.
  const ours = {
    ...timedSide(samples.ours),
    ...callFigures(ourCalls, n),
    cpuMs: round(median(cpu.ours.slice(env.warmups))),
  };
  const theirs = {
    ...timedSide(samples.theirs),
    ...callFigures(theirCalls, n),
    cpuMs: round(median(cpu.theirs.slice(env.warmups))),
  };
  ourClient.destroy();
  theirClient.destroy();

  const awsMinimum = Math.ceil(n / 10);
  const motoMinimum = Math.floor(n / 10) + 1;
  const ratio = ratioOf(ours.medianMs, theirs.medianMs);
  const paired = pairedRatio(samples.ours, samples.theirs);
  const callsOk = ours.calls === motoMinimum && callsPerRun.ours.size === 1;
  const timeOk = ratio !== null && ratio <= 1;
  const overlap =
    (ours.p25Ms as number) <= (theirs.p75Ms as number) &&
    (theirs.p25Ms as number) <= (ours.p75Ms as number);
  return {
    scenario: "1-cold-load",
    title: `Cold load by path, N = ${n}`,
    n,
    ours,
    powertools: theirs,
    ratio,
    pairedRatio: paired,
    ratioOf: "medianMs",
    betterWhen: "lower",
    target: {
      goal: "calls = the minimum (ceil(N/10) pages) and wall time no slower than Powertools",
      met: callsOk && timeOk,
      detail:
        `${ours.calls} calls (AWS minimum ${awsMinimum}; ${motoMinimum} under moto), ` +
        `Powertools ${theirs.calls}; median ${ours.medianMs} ms vs ${theirs.medianMs} ms` +
        (timeOk ? "" : overlap ? " (within the runs' interquartile spread)" : "") +
        `; per-run ratio ${paired}` +
        `; CPU ${ours.cpuMs} ms vs ${theirs.cpuMs} ms`,
    },
    notes: [
      n % 10 === 0
        ? `moto returns a NextToken after a full last page, so paging costs one extra (empty) call for anyone: ${motoMinimum} here, ${awsMinimum} on AWS.`
        : `${awsMinimum} pages of 10, on AWS and under moto.`,
      `CPU (this process's user + system time per load, process.cpuUsage(); median): ssm-config ${ours.cpuMs} ms, Powertools ${theirs.cpuMs} ms, ratio ${ratioOf(ours.cpuMs, theirs.cpuMs)}. Both include the SDK's work for the same calls (signing, serialising, parsing) and garbage collection; ssm-config's also includes mapping names to keys and validating the tree with the schema, which Powertools does not do. moto's own time is in another process. Scenario 8 measures CPU per parameter without the emulator.`,
    ],
  };
}

function callFigures(counter: CallCounter, n: number) {
  const count = counter.read();
  return {
    calls: count.total,
    decryptingCalls: count.decrypting,
    awsMinimumCalls: Math.ceil(n / 10),
    callsByCommand: count.byCommand,
  };
}
