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

    // Variant: a tighter maxConcurrency (4), three rounds of batches instead of one.
    const narrow: number[] = [];
    for (let run = 0; run < Math.min(env.runs, 3) + 1; run++) {
      const ms = await ourLoad(4);
      if (run > 0) narrow.push(ms);
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
      awsCalls: Math.ceil(n / 10),
      decryptingCalls: ourCount.decrypting,
      callsByCommand: ourCount.byCommand,
      maxConcurrency: 10,
      maxConcurrency4MedianMs: round(median(narrow)),
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
        detail: `${speedup}x faster: ${ours.medianMs} ms vs ${theirs.medianMs} ms (${ours.calls} vs ${theirs.calls} calls); with maxConcurrency 4: ${ours.maxConcurrency4MedianMs} ms, ${round(theirs.medianMs / ours.maxConcurrency4MedianMs)}x`,
      },
      notes: [
        `Both send ceil(${n}/10) = ${Math.ceil(n / 10)} GetParameters calls; ssm-config runs up to 10 at once (its default maxConcurrency, so one round), Powertools one after another.`,
        `With ssmSource({ maxConcurrency: 4 }) (three rounds of batches): median ${ours.maxConcurrency4MedianMs} ms.`,
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
