import { ListQueuesCommand, ListQueueTagsCommand } from "@aws-sdk/client-sqs";
import { describe, expect, it } from "vitest";
import { FakeFleetBackend } from "../../bench/fleet/fake-queues.js";
import { snsEventSource } from "../../src/events/sns.js";
import { VirtualClock } from "../support/virtual-clock.js";

/** Runs due timers (the fake answers on the clock) and lets real I/O (the SDK import) finish. */
async function until(clock: VirtualClock, condition: () => boolean): Promise<void> {
  for (let round = 0; round < 2_000 && !condition(); round++) {
    await clock.advance(0);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe("snsEventSource heartbeat", () => {
  it("tags its queue at creation and renews the tag every heartbeatMs on the loader's clock, and stops on close()", async () => {
    // Prepare
    const clock = new VirtualClock();
    const backend = new FakeFleetBackend(clock, 0);
    const client = backend.clientFor();
    const source = snsEventSource({
      topicArn: backend.topicArn,
      snsClient: client,
      sqsClient: client,
      queuePrefix: "beat-",
      heartbeatMs: 60_000,
      staleAfterMs: 180_000,
    });
    const heartbeat = async () => {
      const pending = client.send(new ListQueuesCommand({ QueueNamePrefix: "beat-" }));
      await clock.advance(0);
      const { QueueUrls } = (await pending) as { QueueUrls: string[] };
      const tags = client.send(new ListQueueTagsCommand({ QueueUrl: QueueUrls[0] }));
      await clock.advance(0);
      return ((await tags) as { Tags: Record<string, string> }).Tags["ssm-config:heartbeat"];
    };

    // Act
    source.start({
      handle: async () => [],
      error: () => {},
      clock,
      interests: () => ({ paths: ["/app"], names: [], secrets: [] }),
    });
    await until(clock, () => backend.subscriptionCount() === 1);
    const atStart = await heartbeat();
    await clock.advance(59_000);
    const before = await heartbeat();
    await clock.advance(1_000);
    const after = await heartbeat();
    await clock.advance(60_000);
    const later = await heartbeat();
    let closed = false;
    const closing = source.close().then(() => {
      closed = true;
    });
    await until(clock, () => closed);
    await closing;

    // Assess
    expect([atStart, before, after, later]).toEqual(["0", "0", "60000", "120000"]);
    expect(backend.queueNames()).toEqual([]);
    expect(clock.pendingTimers).toBe(0);
  });
});
