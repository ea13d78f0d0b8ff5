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
 * the new value (reads every 10 ms, default `maxAge` of 5 s).
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

  const expiry = await powertoolsStaleness(env, `${root}-pt`, writer, changes);
  writer.destroy();
  env.log(`    Powertools cache expiry: ${expiry.samples} changes`);

  const theirs = side(expiry);
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
          ? "Measured from SendMessage (what EventBridge does when the parameter changes) to the change event: long-poll wake-up, ReceiveMessage, GetParameters, validation. On AWS, EventBridge's own delivery delay comes on top."
          : "Measured from handleEvent(event) to the change event: one GetParameters for the named parameter, then validation and the snapshot swap.",
        `Powertools has no change events; its column is the time from the write until a value read every 10 ms returns the new value, with the default cache lifetime (maxAge ${POWERTOOLS_MAX_AGE_MS / 1000} s).`,
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
 * `changes` parameters, each read every 10 ms through Powertools' cache while each is changed
 * once, the writes spread evenly over one cache lifetime: time from each write to the first read
 * that returns the new value.
 */
async function powertoolsStaleness(
  env: BenchEnv,
  root: string,
  writer: ReturnType<typeof ssmClient>,
  changes: number,
): Promise<Latencies> {
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
          const value = await provider.get(name);
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
  const spacing = POWERTOOLS_MAX_AGE_MS / changes;
  const started = performance.now();
  for (const [index, name] of names.entries()) {
    const due = started + index * spacing;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
    const value = `changed-${index}`;
    await seed(writer, [{ name, type: "String", value }]);
    written.set(name, { value, at: performance.now() });
  }
  const deadline = performance.now() + POWERTOOLS_MAX_AGE_MS * 2;
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
