import * as sns from "@aws-sdk/client-sns";
import * as sqs from "@aws-sdk/client-sqs";
import { describe, expect, it } from "vitest";
import { FakeFleetBackend } from "../../bench/fleet/fake-queues.js";
import { HEARTBEAT_TAG, sweepStaleQueues, TOPIC_TAG } from "../../src/events/queue-sweep.js";
import { FilterPolicyFallbackWarning, snsEventSource } from "../../src/events/sns.js";
import { systemClock } from "../../src/scheduling/clock.js";

const MINUTE = 60_000;
const sdk = { sqs, sns };

/** A backend with queues as processes leave them: tagged with a topic and a heartbeat time. */
async function backendWith(
  queues: Array<{ name: string; topic?: string; heartbeat?: number; subscribed?: boolean }>,
) {
  const backend = new FakeFleetBackend(systemClock, 0);
  const client = backend.clientFor();
  const urls = new Map<string, string>();
  for (const queue of queues) {
    const tags: Record<string, string> = {};
    if (queue.topic) tags[TOPIC_TAG] = queue.topic;
    if (queue.heartbeat !== undefined) tags[HEARTBEAT_TAG] = String(queue.heartbeat);
    const { QueueUrl } = (await client.send(
      new sqs.CreateQueueCommand({ QueueName: queue.name, tags }),
    )) as { QueueUrl: string };
    urls.set(queue.name, QueueUrl);
    if (queue.subscribed !== false) {
      await client.send(
        new sns.SubscribeCommand({
          TopicArn: backend.topicArn,
          Protocol: "sqs",
          Endpoint: `arn:aws:sqs:us-east-1:123456789012:${queue.name}`,
        }),
      );
    }
  }
  return { backend, urls };
}

/** A client that records the order of commands and can fail some of them. */
function recording(
  backend: FakeFleetBackend,
  fail: (command: string) => Error | undefined = () => undefined,
) {
  const client = backend.clientFor();
  const calls: string[] = [];
  return {
    calls,
    send(command: unknown, options?: { abortSignal?: AbortSignal }) {
      const name = (command as object).constructor.name.replace(/Command$/, "");
      calls.push(name);
      const error = fail(name);
      return error ? Promise.reject(error) : client.send(command, options);
    },
  };
}

describe("sweeping the queues of dead processes", () => {
  const now = 100 * MINUTE;
  const staleAfterMs = 15 * MINUTE;

  it("deletes stale queues of this topic, unsubscribing first, and leaves every other queue alone", async () => {
    // Prepare
    const { backend, urls } = await backendWith([
      { name: "app-dead", topic: "TOPIC", heartbeat: now - 16 * MINUTE },
      { name: "app-live", topic: "TOPIC", heartbeat: now - 14 * MINUTE },
      { name: "app-other-topic", topic: "arn:other", heartbeat: now - 60 * MINUTE },
      { name: "app-untagged" },
      { name: "app-own", topic: "TOPIC", heartbeat: now - 60 * MINUTE },
    ]);
    const topicArn = backend.topicArn;
    for (const name of ["app-dead", "app-live", "app-own"]) {
      await backend
        .clientFor()
        .send(
          new sqs.TagQueueCommand({ QueueUrl: urls.get(name), Tags: { [TOPIC_TAG]: topicArn } }),
        );
    }
    const client = recording(backend);
    const errors: Error[] = [];

    // Act
    const outcome = await sweepStaleQueues({
      sqs: client,
      sns: client,
      sdk,
      topicArn,
      queuePrefix: "app-",
      staleAfterMs,
      now,
      isOwn: (url) => url === urls.get("app-own"),
      signal: new AbortController().signal,
      report: (error) => errors.push(error),
    });

    // Assess
    expect(outcome.deleted).toEqual([urls.get("app-dead")]);
    expect(backend.queueNames().sort()).toEqual([
      "app-live",
      "app-other-topic",
      "app-own",
      "app-untagged",
    ]);
    expect(backend.subscriptionCount()).toBe(4);
    expect(client.calls.indexOf("Unsubscribe")).toBeGreaterThan(-1);
    expect(client.calls.indexOf("Unsubscribe")).toBeLessThan(client.calls.indexOf("DeleteQueue"));
    expect(errors).toEqual([]);
  });

  it("treats 'not found' as done when another process swept the same queue first", async () => {
    // Prepare: the subscription is already gone, and the queue goes while we look at it.
    const { backend, urls } = await backendWith([
      { name: "app-dead", heartbeat: now - 60 * MINUTE, subscribed: false },
    ]);
    await backend.clientFor().send(
      new sqs.TagQueueCommand({
        QueueUrl: urls.get("app-dead"),
        Tags: { [TOPIC_TAG]: backend.topicArn },
      }),
    );
    const notFound = Object.assign(new Error("gone"), { name: "QueueDoesNotExist" });
    const client = recording(backend, (command) =>
      command === "DeleteQueue" ? notFound : undefined,
    );
    const errors: Error[] = [];

    // Act
    const outcome = await sweepStaleQueues({
      sqs: client,
      sns: client,
      sdk,
      topicArn: backend.topicArn,
      queuePrefix: "app-",
      staleAfterMs,
      now,
      isOwn: () => false,
      signal: new AbortController().signal,
      report: (error) => errors.push(error),
    });

    // Assess
    expect(outcome.deleted).toEqual([urls.get("app-dead")]);
    expect(errors).toEqual([]);
  });

  it("reports a sweep it may not run (no permission) and does not throw", async () => {
    const { backend } = await backendWith([]);
    const denied = Object.assign(new Error("not authorized"), { name: "AccessDenied" });
    const client = recording(backend, (command) => (command === "ListQueues" ? denied : undefined));
    const errors: Error[] = [];

    await expect(
      sweepStaleQueues({
        sqs: client,
        sns: client,
        sdk,
        topicArn: backend.topicArn,
        queuePrefix: "app-",
        staleAfterMs,
        now,
        isOwn: () => false,
        signal: new AbortController().signal,
        report: (error) => errors.push(error),
      }),
    ).resolves.toEqual({ checked: 0, deleted: [] });

    expect(errors).toHaveLength(1);
    expect(errors[0]?.name).toBe("ConfigLoadError");
    expect(errors[0]?.message).toMatch(/could not list the queues to sweep app-: AccessDenied/);
    expect(errors[0]?.message).toMatch(/Running a fleet/);
  });

  it("never deletes a queue whose subscriptions could not be listed (that would orphan them)", async () => {
    const { backend, urls } = await backendWith([
      { name: "app-dead", heartbeat: now - 60 * MINUTE },
    ]);
    await backend.clientFor().send(
      new sqs.TagQueueCommand({
        QueueUrl: urls.get("app-dead"),
        Tags: { [TOPIC_TAG]: backend.topicArn },
      }),
    );
    const denied = Object.assign(new Error("not authorized"), { name: "AuthorizationError" });
    const client = recording(backend, (command) =>
      command === "ListSubscriptionsByTopic" ? denied : undefined,
    );
    const errors: Error[] = [];

    const outcome = await sweepStaleQueues({
      sqs: client,
      sns: client,
      sdk,
      topicArn: backend.topicArn,
      queuePrefix: "app-",
      staleAfterMs,
      now,
      isOwn: () => false,
      signal: new AbortController().signal,
      report: (error) => errors.push(error),
    });

    expect(outcome.deleted).toEqual([]);
    expect(backend.queueNames()).toEqual(["app-dead"]);
    expect(errors).toHaveLength(1);
  });
});

describe("snsEventSource when the names do not fit a filter policy", () => {
  it("subscribes without a filter and says so once through error", async () => {
    // Prepare: 80 names under 80 different roots fit neither as names nor as prefixes.
    const backend = new FakeFleetBackend(systemClock, 0);
    const client = recording(backend);
    const errors: Error[] = [];
    const source = snsEventSource({
      topicArn: backend.topicArn,
      snsClient: client,
      sqsClient: client,
      waitTimeSeconds: 0,
    });
    const names = Array.from({ length: 80 }, (_, i) => `/root${i}/x`);

    // Act
    source.start({
      handle: async () => [],
      error: (error) => errors.push(error),
      interests: () => ({ paths: [], names, secrets: [] }),
    });
    for (let round = 0; round < 500 && backend.subscriptionCount() === 0; round++) {
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    backend.publish({ "detail-type": "Parameter Store Change", detail: { name: "/unrelated" } });
    const delivered = backend.delivered;
    await source.close();

    // Assess: no filter, so even an unrelated event reached the queue.
    expect(delivered).toBe(1);
    expect(errors.filter((error) => error instanceof FilterPolicyFallbackWarning)).toHaveLength(1);
    expect(errors[0]?.message).toMatch(/^snsEventSource: .*receives every event/);
    expect(client.calls).toContain("Subscribe");
    expect(backend.queueNames()).toEqual([]);
    expect(backend.subscriptionCount()).toBe(0);
  });
});

describe("snsEventSource when its setup fails", () => {
  it("retries with backoff, removes what a failed attempt created, and reports each failure", async () => {
    // Prepare: the first Subscribe is throttled, after its queue was created.
    const backend = new FakeFleetBackend(systemClock, 0);
    let subscribes = 0;
    const client = recording(backend, (command) =>
      command === "Subscribe" && ++subscribes === 1
        ? Object.assign(new Error("Rate exceeded"), { name: "Throttling" })
        : undefined,
    );
    const errors: Error[] = [];
    const source = snsEventSource({
      topicArn: backend.topicArn,
      snsClient: client,
      sqsClient: client,
      waitTimeSeconds: 0,
      backoffBaseMs: 10,
      backoffMaxMs: 20,
    });

    // Act
    source.start({
      handle: async () => [],
      error: (error) => errors.push(error),
      interests: () => ({ paths: ["/app"], names: [], secrets: [] }),
    });
    for (let round = 0; round < 500 && backend.subscriptionCount() === 0; round++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const queues = backend.queueNames();
    await source.close();

    // Assess: one queue (the first attempt's was deleted), subscribed; one failure reported.
    expect(subscribes).toBe(2);
    expect(queues).toHaveLength(1);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toMatch(/^snsEventSource could not set up its queue .*Throttling/);
    expect(backend.queueNames()).toEqual([]);
  });
});

describe("snsEventSource when its queue is deleted under it", () => {
  it("makes a new queue and subscription, retrying until it works, and never reads a queue without one", async () => {
    // Prepare: subscribed once; then the queue goes (swept), and the next Subscribe fails once.
    const backend = new FakeFleetBackend(systemClock, 0);
    let subscribes = 0;
    const client = recording(backend, (command) =>
      command === "Subscribe" && ++subscribes === 2
        ? Object.assign(new Error("Rate exceeded"), { name: "Throttling" })
        : undefined,
    );
    const source = snsEventSource({
      topicArn: backend.topicArn,
      snsClient: client,
      sqsClient: client,
      waitTimeSeconds: 0,
      backoffBaseMs: 10,
      backoffMaxMs: 20,
    });
    const wait = async (condition: () => boolean) => {
      for (let round = 0; round < 1_000 && !condition(); round++) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    };
    source.start({
      handle: async () => [],
      error: () => {},
      interests: () => ({ paths: ["/app"], names: [], secrets: [] }),
    });
    await wait(() => backend.subscriptionCount() === 1);
    const [first] = backend.queueNames();
    const other = backend.clientFor();
    const { Subscriptions } = (await other.send(
      new sns.ListSubscriptionsByTopicCommand({ TopicArn: backend.topicArn }),
    )) as { Subscriptions: Array<{ SubscriptionArn: string }> };
    await other.send(
      new sns.UnsubscribeCommand({ SubscriptionArn: Subscriptions[0]?.SubscriptionArn }),
    );
    const { QueueUrls } = (await other.send(new sqs.ListQueuesCommand({}))) as {
      QueueUrls: string[];
    };
    await other.send(new sqs.DeleteQueueCommand({ QueueUrl: QueueUrls[0] }));

    // Act
    await wait(() => subscribes === 3 && backend.subscriptionCount() === 1);
    const queues = backend.queueNames();
    await source.close();

    // Assess: exactly one queue, new, and subscribed; the failed attempt's queue is gone.
    expect(subscribes).toBe(3);
    expect(queues).toHaveLength(1);
    expect(queues[0]).not.toBe(first);
    expect(backend.queueNames()).toEqual([]);
  });
});
