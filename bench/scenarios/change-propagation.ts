import { SSMProvider } from "@aws-lambda-powertools/parameters/ssm";
import { CreateQueueCommand, DeleteQueueCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { z } from "zod";
import { type ConfigLoader, createConfig, ssmSource } from "../../src/index.js";
import { sqsEventSource } from "../../src/sqs.js";
import { parameterChangeEvent, seed, sqsClient, ssmClient } from "../support/aws.js";
import { type BenchEnv, ratioOf, type ScenarioResult } from "../support/results.js";
import { type Latencies, latencies, round } from "../support/stats.js";

const KEYS = 20;
const TIMEOUT_MS = 10_000;
/** Powertools' default cache lifetime (DEFAULT_MAX_AGE_SECS). */
const POWERTOOLS_MAX_AGE_MS = 5_000;

/**
 * Scenario 5: how soon a change reaches the application. ssm-config: from `handleEvent(event)`,
 * and from `SendMessage` of the EventBridge event to the queue `sqsEventSource` long-polls, to
 * the `change` event. Powertools has no change events: a value read on every request changes
 * when its cache entry expires, so it is measured from the write to the first read that returns
 * the new value (reads every 10 ms), with its default `maxAge` of 5 s and with `maxAge: 1`.
 */
export async function changePropagation(
  env: BenchEnv,
  root: string,
  changes: number,
): Promise<ScenarioResult[]> {
  const writer = ssmClient(env.endpoint);
  const names = Array.from({ length: KEYS }, (_, index) => `${root}/k${index}`);
  await seed(
    writer,
    names.map((name) => ({ name, type: "String" as const, value: "initial" })),
  );
  const schema = z.record(z.string(), z.string());
  let generation = 0;
  const write = async (name: string) => {
    await seed(writer, [{ name, type: "String", value: `v${++generation}` }]);
  };

  // From handleEvent to `change`.
  const direct = ssmClient(env.endpoint);
  const viaHandle = createConfig({ schema, sources: [ssmSource({ client: direct, path: root })] });
  await viaHandle.load();
  const handled: number[] = [];
  for (let i = 0; i < changes + env.warmups; i++) {
    const name = names[i % KEYS] as string;
    await write(name);
    const seen = nextChange(viaHandle);
    const started = performance.now();
    const handling = viaHandle.handleEvent(parameterChangeEvent(name));
    const at = await seen;
    await handling;
    if (i >= env.warmups) handled.push(at - started);
  }
  await viaHandle.close();
  direct.destroy();
  env.log(`    handleEvent: ${handled.length} changes`);

  // From SendMessage to `change`, through moto's SQS and the long-polling event source.
  const sqs = sqsClient(env.endpoint);
  const sender = sqsClient(env.endpoint);
  const queue = await sender.send(
    new CreateQueueCommand({ QueueName: `bench-changes-${Date.now()}` }),
  );
  const queueUrl = queue.QueueUrl as string;
  const queued = ssmClient(env.endpoint);
  const viaSqs = createConfig({
    schema,
    sources: [ssmSource({ client: queued, path: root })],
    events: sqsEventSource({ client: sqs, queueUrl, waitTimeSeconds: 1 }),
  });
  await viaSqs.load();
  await new Promise((resolve) => setTimeout(resolve, 300));
  const delivered: number[] = [];
  for (let i = 0; i < changes + env.warmups; i++) {
    const name = names[i % KEYS] as string;
    await write(name);
    const seen = nextChange(viaSqs);
    const started = performance.now();
    await sender.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: JSON.stringify(parameterChangeEvent(name)),
      }),
    );
    const at = await seen;
    if (i >= env.warmups) delivered.push(at - started);
  }
  await viaSqs.close();
  await sender.send(new DeleteQueueCommand({ QueueUrl: queueUrl }));
  for (const client of [sqs, sender, queued]) client.destroy();
  env.log(`    SQS: ${delivered.length} changes`);

  const expiry = await powertoolsStaleness(
    env,
    `${root}-pt`,
    writer,
    changes,
    POWERTOOLS_MAX_AGE_MS,
  );
  env.log(`    Powertools cache expiry (maxAge 5 s): ${expiry.samples} changes`);
  const shortExpiry = await powertoolsStaleness(env, `${root}-pt1`, writer, changes, 1_000);
  env.log(`    Powertools cache expiry (maxAge 1 s): ${shortExpiry.samples} changes`);
  writer.destroy();

  const short = side(shortExpiry);
  const theirs = {
    ...side(expiry),
    maxAge1P50Ms: short.p50Ms,
    maxAge1P99Ms: short.p99Ms,
    maxAge1Samples: short.samples,
  };
  const rows: Array<[string, string, Latencies]> = [
    ["5-propagation-handle-event", "handleEvent", latencies(handled)],
    ["5-propagation-sqs", "SQS message", latencies(delivered)],
  ];
  return rows.map(([scenario, from, measured]) => {
    const ours = side(measured);
    return {
      scenario,
      title: `Change propagation from ${from} to the change event, ${changes} changes`,
      n: changes,
      ours,
      powertools: theirs,
      ratio: ratioOf(ours.p50Ms, theirs.p50Ms),
      ratioOf: "p50Ms",
      betterWhen: "lower" as const,
      notes: [
        from === "SQS message"
          ? "ssm-config's interval starts after the write was answered, when SendMessage (what EventBridge does when the parameter changes) is called, and ends at the change event: it includes SendMessage's round trip, moto's queue, the long poll waking up and ReceiveMessage, then the same as handleEvent (one GetParameters, mapping, validation, the snapshot swap). EventBridge's own delivery delay on AWS is not included and comes on top."
          : "ssm-config's interval starts after the write was answered, when handleEvent(event) is called, and ends at the change event: it includes parsing the event, one GetParameters round trip to moto, mapping, schema validation and the snapshot swap. It does not include delivering the event (EventBridge, SQS): see the SQS row.",
        `Powertools has no change events. Its interval starts after the write was answered and ends at the first read returning the new value, reading every value every 10 ms through get(name): it includes the rest of the cache entry's lifetime (uniform over 0 to maxAge, the writes being spread over one lifetime), up to 10 ms until the next read, and one GetParameter round trip. Shown: the default cache lifetime (maxAge ${POWERTOOLS_MAX_AGE_MS / 1000} s).`,
        `Powertools with get(name, { maxAge: 1 }) (a one-second cache, which costs one GetParameter per value per second per process; maxAge 0 turns its cache off): p50 ${short.p50Ms} ms, p99 ${short.p99Ms} ms; ratio ours / that at p50 ${ratioOf(ours.p50Ms, short.p50Ms)}, at p99 ${ratioOf(ours.p99Ms, short.p99Ms)}.`,
      ],
    };
  });
}

function side(measured: Latencies) {
  return {
    medianMs: round(measured.p50),
    p50Ms: round(measured.p50),
    p99Ms: round(measured.p99),
    maxMs: round(measured.max),
    samples: measured.samples,
  };
}

/** Resolves with the time of the loader's next `change` event; rejects after a timeout. */
function nextChange(config: ConfigLoader<unknown>): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      config.off("change", onChange);
      reject(new Error(`no change event within ${TIMEOUT_MS} ms`));
    }, TIMEOUT_MS);
    const onChange = () => {
      clearTimeout(timer);
      resolve(performance.now());
    };
    config.once("change", onChange);
  });
}

/**
 * `changes` parameters, each read every 10 ms through Powertools' cache (lifetime `maxAgeMs`)
 * while each is changed once, the writes spread evenly over one cache lifetime: time from each write to the first read
 * that returns the new value.
 */
async function powertoolsStaleness(
  env: BenchEnv,
  root: string,
  writer: ReturnType<typeof ssmClient>,
  changes: number,
  maxAgeMs: number,
): Promise<Latencies> {
  const maxAge = maxAgeMs / 1000;
  const names = Array.from({ length: changes }, (_, index) => `${root}/k${index}`);
  await seed(
    writer,
    names.map((name) => ({ name, type: "String" as const, value: "initial" })),
  );
  const client = ssmClient(env.endpoint);
  const provider = new SSMProvider({ awsSdkV3Client: client });
  const written = new Map<string, { value: string; at: number; seenAt?: number }>();
  let reading = true;
  const reader = (async () => {
    while (reading) {
      await Promise.all(
        names.map(async (name) => {
          // The default lifetime through the documented default call, get(name).
          const value = await (maxAgeMs === POWERTOOLS_MAX_AGE_MS
            ? provider.get(name)
            : provider.get(name, { maxAge }));
          const change = written.get(name);
          if (change && change.seenAt === undefined && value === change.value) {
            change.seenAt = performance.now();
          }
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  await new Promise((resolve) => setTimeout(resolve, 200));
  const spacing = maxAgeMs / changes;
  const started = performance.now();
  for (const [index, name] of names.entries()) {
    const due = started + index * spacing;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
    const value = `changed-${index}`;
    await seed(writer, [{ name, type: "String", value }]);
    written.set(name, { value, at: performance.now() });
  }
  const deadline = performance.now() + maxAgeMs * 2 + 1_000;
  while (
    [...written.values()].some((change) => change.seenAt === undefined) &&
    performance.now() < deadline
  ) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  reading = false;
  await reader;
  client.destroy();
  const missed = [...written.values()].filter((change) => change.seenAt === undefined).length;
  if (missed > 0) throw new Error(`Powertools never returned ${missed} changed values`);
  return latencies([...written.values()].map((change) => (change.seenAt as number) - change.at));
}
