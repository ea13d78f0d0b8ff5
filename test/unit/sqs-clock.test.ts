import { describe, expect, it } from "vitest";
import { sqsEventSource } from "../../src/events/sqs.js";
import { ManualClock, settle } from "./support/manual-clock.js";

const queueUrl = "https://sqs.us-east-1.amazonaws.com/123456789012/config";

/** Lets the loop reach its next await (the SDK import, then the failed receive). */
async function until(condition: () => boolean): Promise<void> {
  for (let round = 0; round < 200 && !condition(); round++) {
    await settle();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe("sqsEventSource times its waits with the loader's clock", () => {
  it("waits out the backoff after a failed receive on the injected clock, not on real time", async () => {
    // Prepare: SQS fails every receive.
    const clock = new ManualClock(() => 0.5);
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
    await until(() => receives === 1 && clock.timers.size === 1);

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
    expect(clock.timers.size).toBe(0);
  });
});
