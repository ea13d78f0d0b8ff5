import { SSMProvider } from "@aws-lambda-powertools/parameters/ssm";
import { z } from "zod";
import { createConfig, ssmSource } from "../../src/index.js";
import { parameterName, ssmClient, typeFor } from "../support/aws.js";
import { CallCounter } from "../support/call-counter.js";
import { startDelayProxy } from "../support/delay-proxy.js";
import {
  alternate,
  type BenchEnv,
  pairedRatio,
  ratioOf,
  type ScenarioResult,
  time,
  timedSide,
} from "../support/results.js";
import { median, round } from "../support/stats.js";

const ADDED_LATENCY_MS = 20;

/**
 * Scenario 2: 100 named parameters (a third of them SecureStrings) behind a loopback proxy that
 * adds 20 ms to every request, the same for both. ssm-config: `ssmSource({ parameters })`
 * (GetParameters in batches of 10, several in flight). Powertools: `getParametersByName` with
 * `decrypt: true` for all names (its fastest form: batches of 10, one after another); its
 * per-name form (decrypt only the SecureStrings) is measured too, as a variant.
 */
export async function namedParameters(
  env: BenchEnv,
  root: string,
  n: number,
): Promise<ScenarioResult> {
  const proxy = await startDelayProxy(env.endpoint, ADDED_LATENCY_MS);
  const names = Array.from({ length: n }, (_, index) => parameterName(root, index));
  const bindings = Object.fromEntries(names.map((name, index) => [`p${index}`, name]));
  const schema = z.record(z.string(), z.union([z.string(), z.array(z.string())]));
  const ourClient = ssmClient(proxy.endpoint);
  const theirClient = ssmClient(proxy.endpoint);
  const ourCalls = new CallCounter(ourClient);
  const theirCalls = new CallCounter(theirClient);

  // When the last GetParameters answered, from the start of the load: the values' share of it.
  const valuesIn: number[] = [];
  const ourLoad = async (maxConcurrency?: number) => {
    ourCalls.reset();
    let held = 0;
    const started = performance.now();
    const ms = await time(async () => {
      const config = createConfig({
        schema,
        sources: [ssmSource({ client: ourClient, parameters: bindings, maxConcurrency })],
      });
      held = Object.keys(await config.load()).length;
      await config.close();
    });
    if (held !== n) throw new Error(`ssm-config loaded ${held} of ${n} names`);
    if (maxConcurrency === undefined) {
      valuesIn.push((ourCalls.lastEnd("GetParametersCommand") ?? started) - started);
    }
    return ms;
  };

  try {
    const samples = await alternate(
      env,
      () => ourLoad(),
      async () => {
        theirCalls.reset();
        let held = 0;
        const ms = await time(async () => {
          const provider = new SSMProvider({ awsSdkV3Client: theirClient });
          const values = await provider.getParametersByName(
            Object.fromEntries(names.map((name) => [name, {}])),
            { decrypt: true },
          );
          held = Object.keys(values).filter((key) => key !== "_errors").length;
        });
        if (held !== n) throw new Error(`Powertools loaded ${held} of ${n} names`);
        return ms;
      },
    );
    const ourCount = ourCalls.read();
    const theirCount = theirCalls.read();

    // Variant: the documented maxConcurrency option, one round of 10 batches.
    const wide: number[] = [];
    for (let run = 0; run < Math.min(env.runs, 3) + 1; run++) {
      const ms = await ourLoad(10);
      if (run > 0) wide.push(ms);
    }

    // Variant: decrypt only where needed, as a caller mixing types naturally writes it.
    const perName: number[] = [];
    for (let run = 0; run < Math.min(env.runs, 3) + 1; run++) {
      theirCalls.reset();
      const ms = await time(async () => {
        const provider = new SSMProvider({ awsSdkV3Client: theirClient });
        await provider.getParametersByName(
          Object.fromEntries(
            names.map((name, index) => [name, { decrypt: typeFor(index) === "SecureString" }]),
          ),
        );
      });
      if (run > 0) perName.push(ms);
    }
    const perNameCount = theirCalls.read();

    const ours = {
      ...timedSide(samples.ours),
      calls: ourCount.total,
      awsCalls: Math.ceil(n / 10) + (ourCount.byCommand.DescribeParameters ? Math.ceil(n / 50) : 0),
      decryptingCalls: ourCount.decrypting,
      callsByCommand: ourCount.byCommand,
      maxConcurrency: 4,
      maxConcurrency10MedianMs: round(median(wide)),
      valuesFetchedMs: round(median(valuesIn.slice(env.warmups))),
    };
    const theirs = {
      ...timedSide(samples.theirs),
      calls: theirCount.total,
      decryptingCalls: theirCount.decrypting,
      callsByCommand: theirCount.byCommand,
      perNameDecryptMedianMs: round(median(perName)),
      perNameDecryptCalls: perNameCount.total,
    };
    const describes = ourCount.byCommand.DescribeParameters ?? 0;
    const ratio = ratioOf(ours.medianMs, theirs.medianMs);
    const speedup = ratio ? round(1 / ratio) : null;
    return {
      scenario: "2-named-parameters",
      title: `Named parameters, N = ${n}, +${ADDED_LATENCY_MS} ms per request`,
      n,
      ours,
      powertools: theirs,
      ratio,
      pairedRatio: pairedRatio(samples.ours, samples.theirs),
      ratioOf: "medianMs",
      betterWhen: "lower",
      target: {
        goal: "at least 3 times faster",
        met: speedup !== null && speedup >= 3,
        detail: `${speedup}x faster: ${ours.medianMs} ms vs ${theirs.medianMs} ms (${ours.calls} vs ${theirs.calls} calls); with maxConcurrency 10: ${ours.maxConcurrency10MedianMs} ms, ${round(theirs.medianMs / ours.maxConcurrency10MedianMs)}x`,
      },
      notes: [
        `Both send ceil(${n}/10) = ${Math.ceil(n / 10)} GetParameters calls; ssm-config runs up to 4 at once (its default maxConcurrency), Powertools one after another.`,
        ...(describes > 0
          ? [
              `The ten GetParameters calls of ssm-config have all answered ${ours.valuesFetchedMs} ms (median) into its load, ${round(theirs.medianMs / ours.valuesFetchedMs)} times sooner than Powertools finishes; the rest of its time is the DescribeParameters below.`,
              `ssm-config also sends DescribeParameters for the bound names at load (to find Expiration policies, which GetParameters does not return): ${describes} calls under moto, which pages them by 10 and adds an empty last page; on AWS that is ceil(${n}/50) = ${Math.ceil(n / 50)}. Each 50-name chunk pages one request after another while holding one of the 4 concurrency slots, so under moto these pages, not the values, set the load time.`,
            ]
          : []),
        `With ssmSource({ maxConcurrency: 10 }) (one round of batches): median ${ours.maxConcurrency10MedianMs} ms.`,
        `Powertools with decrypt only for the SecureStrings (GetParameter per SecureString, one at a time): median ${theirs.perNameDecryptMedianMs} ms, ${theirs.perNameDecryptCalls} calls.`,
        `Latency comes from a loopback proxy that holds each request ${ADDED_LATENCY_MS} ms before forwarding it to moto.`,
      ],
    };
  } finally {
    ourClient.destroy();
    theirClient.destroy();
    await proxy.close();
  }
}
