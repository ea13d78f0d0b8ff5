import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { UnsubscribeCommand } from "@aws-sdk/client-sns";
import { DeleteQueueCommand } from "@aws-sdk/client-sqs";
import { afterAll, afterEach, expect, it } from "vitest";
import { z } from "zod";
import { snsEventSource } from "../../src/events/sns.js";
import { createConfig, ssmSource } from "../../src/index.js";
import {
  awsClients,
  describeMoto,
  motoEndpoint,
  putParameter,
  uniquePath,
} from "../support/aws.js";
import { parameterChangeEvent, waitFor } from "../support/events.js";
import {
  fleetTopic,
  publishEvent,
  queuesWithPrefix,
  snsClient,
  topicSubscriptions,
} from "../support/fleet.js";
import { closeAfterEach } from "../support/loaders.js";
import { runScript } from "../support/run-script.js";

const track = closeAfterEach();
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});

describeMoto("snsEventSource: queues of dead processes", () => {
  const sns = snsClient();
  const clients = awsClients();
  afterAll(() => sns.destroy());

  function startProcess(root: string, topicArn: string, prefix: string) {
    return track(
      createConfig({
        schema: z.object({ flag: z.string() }),
        sources: [ssmSource({ client: clients.ssm, path: root })],
        events: snsEventSource({
          topicArn,
          snsClient: sns,
          sqsClient: clients.sqs,
          queuePrefix: prefix,
          waitTimeSeconds: 1,
        }),
      }),
    );
  }

  it("a process killed with SIGKILL has its queue and subscription swept by the next; a live one keeps its own", async () => {
    const root = uniquePath("sweep");
    await putParameter(clients.ssm, `${root}/flag`, "off");
    const { topicArn, prefix } = await fleetTopic(sns);
    const live = startProcess(root, topicArn, prefix);
    await live.load();
    await waitFor(async () => (await topicSubscriptions(sns, topicArn)).length === 1, 15_000);
    const [liveQueue] = await queuesWithPrefix(clients.sqs, prefix);

    // The child's clock runs an hour behind: its heartbeat is older than staleAfterMs (15 min).
    const script = fileURLToPath(new URL("../fixtures/sns-process.ts", import.meta.url));
    const child = spawn(process.execPath, ["--import", "tsx", script], {
      env: {
        ...process.env,
        MOTO_ENDPOINT: motoEndpoint,
        ROOT: root,
        TOPIC_ARN: topicArn,
        QUEUE_PREFIX: prefix,
        CLOCK_OFFSET_MS: String(-3_600_000),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(child);
    await waitFor(async () => (await topicSubscriptions(sns, topicArn)).length === 2, 20_000);
    const deadQueue = (await queuesWithPrefix(clients.sqs, prefix)).find(
      (url) => url !== liveQueue,
    );
    expect(deadQueue).toBeDefined();
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
    expect(await queuesWithPrefix(clients.sqs, prefix)).toContain(deadQueue);

    const next = startProcess(root, topicArn, prefix);
    await next.load();
    await waitFor(async () => {
      const queues = await queuesWithPrefix(clients.sqs, prefix);
      return queues.length === 2 && !queues.includes(deadQueue as string);
    }, 15_000);

    const queues = await queuesWithPrefix(clients.sqs, prefix);
    expect(queues).toContain(liveQueue);
    expect(queues).not.toContain(deadQueue);
    const endpoints = (await topicSubscriptions(sns, topicArn)).map((s) => s.endpoint);
    expect(endpoints).toHaveLength(2);
    expect(endpoints.some((arn) => deadQueue?.endsWith(arn.split(":").at(-1) as string))).toBe(
      false,
    );
    // The topic still delivers to both survivors.
    await putParameter(clients.ssm, `${root}/flag`, "on");
    await publishEvent(sns, topicArn, parameterChangeEvent(`${root}/flag`));
    await waitFor(() => live.current.flag === "on" && next.current.flag === "on", 15_000);
  });

  it("a process whose queue was swept (a long freeze) makes a new one and keeps receiving", async () => {
    const root = uniquePath("recreate");
    await putParameter(clients.ssm, `${root}/flag`, "off");
    const { topicArn, prefix } = await fleetTopic(sns);
    const config = startProcess(root, topicArn, prefix);
    await config.load();
    await waitFor(async () => (await topicSubscriptions(sns, topicArn)).length === 1, 15_000);
    const [first] = await queuesWithPrefix(clients.sqs, prefix);
    const [subscription] = await topicSubscriptions(sns, topicArn);

    // What another process's sweep does to a queue whose heartbeat went stale.
    await sns.send(new UnsubscribeCommand({ SubscriptionArn: subscription?.arn }));
    await clients.sqs.send(new DeleteQueueCommand({ QueueUrl: first }));
    await waitFor(async () => {
      const queues = await queuesWithPrefix(clients.sqs, prefix);
      return queues.length === 1 && queues[0] !== first;
    }, 15_000);
    await waitFor(async () => (await topicSubscriptions(sns, topicArn)).length === 1, 15_000);

    await putParameter(clients.ssm, `${root}/flag`, "on");
    await publishEvent(sns, topicArn, parameterChangeEvent(`${root}/flag`));
    await waitFor(() => config.current.flag === "on", 15_000);
    expect(config.current.flag).toBe("on");
  });

  it("a process that closes exits by itself and leaves no queue or subscription", async () => {
    const root = uniquePath("exit");
    await putParameter(clients.ssm, `${root}/flag`, "off");
    const { topicArn, prefix } = await fleetTopic(sns);
    const script = fileURLToPath(new URL("../fixtures/sns-process.ts", import.meta.url));
    const { code, stdout, stderr } = await runScript(script, {
      env: {
        ...process.env,
        MOTO_ENDPOINT: motoEndpoint,
        ROOT: root,
        TOPIC_ARN: topicArn,
        QUEUE_PREFIX: prefix,
        CLOSE_AFTER_LOAD: "1",
      },
      timeoutMs: 25_000,
      onSpawn: (child) => children.push(child),
    });

    expect(stderr).toBe("");
    expect(stdout).toContain("closed");
    expect(code).toBe(0);
    expect(await queuesWithPrefix(clients.sqs, prefix)).toEqual([]);
    expect(await topicSubscriptions(sns, topicArn)).toEqual([]);
  });
});
