// Loaded up front: the event source imports it on first use.
import "@aws-sdk/client-sqs";
import { describe, expect, it } from "vitest";
import { sqsEventSource } from "../../src/events/sqs.js";
import { VirtualClock } from "../support/virtual-clock.js";

const queueUrl = "https://sqs.us-east-1.amazonaws.com/123456789012/config";

/** Lets the loop reach its next await (the SDK import, then the failed receive). */
async function until(condition: () => boolean): Promise<void> {
  for (let round = 0; round < 2_000 && !condition(); round++) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe("sqsEventSource times its waits with the loader's clock", () => {
  it("waits out the backoff after a failed receive on the injected clock, not on real time", async () => {
    // Prepare: SQS fails every receive.
    const clock = new VirtualClock(() => 0.5);
    let receives = 0;
    const client = {
      send: () => {
        receives++;
        return Promise.reject(Object.assign(new Error("down"), { name: "InternalError" }));
      },
    };
    const errors: Error[] = [];
    const source = sqsEventSource({ client, queueUrl, backoffBaseMs: 1_000, backoffMaxMs: 8_000 });

    // Act
    source.start({ handle: async () => [], error: (e) => errors.push(e), clock });
    await until(() => receives === 1 && clock.pendingTimers === 1);

    // Assess: one receive, then a backoff of random × base = 500 ms on the clock.
    expect(receives).toBe(1);
    expect(clock.delays).toEqual([500]);
    await clock.advance(499);
    expect(receives).toBe(1);
    await clock.advance(1);
    await until(() => receives === 2);
    expect(receives).toBe(2);
    expect(errors).toHaveLength(2);
    await source.close();
    expect(clock.pendingTimers).toBe(0);
  });
});
