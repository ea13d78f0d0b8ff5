import { describe, expect, it } from "vitest";
import type { ConfigLoadError } from "../../src/errors/config-load-error.js";
import { snsEventSource } from "../../src/events/sns.js";
import { sqsEventSource } from "../../src/events/sqs.js";

const topicArn = "arn:aws:sns:us-east-1:123456789012:config-events";
/** A client that fails the test if any call is made: option checks come before any call. */
const noCalls = {
  send: () => {
    throw new Error("no call may be made");
  },
};

function optionsFailure(create: () => unknown): ConfigLoadError {
  try {
    create();
  } catch (error) {
    return error as ConfigLoadError;
  }
  throw new Error("expected the factory to throw");
}

describe("snsEventSource options are checked before any call", () => {
  it.each([
    ["a missing topicArn", {}, /topicArn must be an SNS topic ARN/],
    ["an SQS ARN", { topicArn: "arn:aws:sqs:us-east-1:123456789012:q" }, /SNS topic ARN/],
    ["a topic name", { topicArn: "config-events" }, /SNS topic ARN/],
    ["a FIFO topic", { topicArn: `${topicArn}.fifo` }, /FIFO/],
    ["a prefix SQS refuses", { topicArn, queuePrefix: "app.prod" }, /queuePrefix/],
    ["an empty prefix (would sweep every queue)", { topicArn, queuePrefix: "" }, /queuePrefix/],
    ["a prefix too long for 80", { topicArn, queuePrefix: "p".repeat(49) }, /queuePrefix/],
    ["heartbeatMs 0", { topicArn, heartbeatMs: 0 }, /heartbeatMs/],
    ["heartbeatMs NaN", { topicArn, heartbeatMs: Number.NaN }, /heartbeatMs/],
    ["heartbeatMs over Node's timer limit", { topicArn, heartbeatMs: 2 ** 31 }, /heartbeatMs/],
    [
      "staleAfterMs equal to heartbeatMs",
      { topicArn, heartbeatMs: 60_000, staleAfterMs: 60_000 },
      /staleAfterMs/,
    ],
    ["staleAfterMs negative", { topicArn, staleAfterMs: -1 }, /staleAfterMs/],
    ["waitTimeSeconds 21", { topicArn, waitTimeSeconds: 21 }, /waitTimeSeconds/],
    ["backoffBaseMs NaN", { topicArn, backoffBaseMs: Number.NaN }, /backoffBaseMs/],
    ["an snsClient without send", { topicArn, snsClient: {} }, /snsClient/],
  ])("refuses %s", (_, options, message) => {
    // Act
    const error = optionsFailure(() =>
      snsEventSource({ sqsClient: noCalls, ...(options as { topicArn: string }) }),
    );

    // Assess
    expect(error.name).toBe("ConfigLoadError");
    expect(error.reason).toBe("options");
    expect(error.message).toMatch(/^snsEventSource: /);
    expect(error.message).toMatch(message);
  });

  it("accepts the contract's example", () => {
    expect(() =>
      snsEventSource({
        topicArn,
        snsClient: noCalls,
        sqsClient: noCalls,
        queuePrefix: "ssm-config-",
        heartbeatMs: 60_000,
        staleAfterMs: 15 * 60_000,
      }),
    ).not.toThrow();
  });
});

describe("sqsEventSource options are checked before any call", () => {
  const queueUrl = "https://sqs.us-east-1.amazonaws.com/123456789012/config";
  it.each([
    ["backoffBaseMs NaN", { backoffBaseMs: Number.NaN }, /backoffBaseMs/],
    ["backoffBaseMs negative", { backoffBaseMs: -5 }, /backoffBaseMs/],
    ["backoffMaxMs 0", { backoffMaxMs: 0 }, /backoffMaxMs/],
    [
      "backoffMaxMs below backoffBaseMs",
      { backoffBaseMs: 5_000, backoffMaxMs: 1_000 },
      /backoffMaxMs/,
    ],
    ["backoffMaxMs over Node's timer limit", { backoffMaxMs: 2 ** 31 }, /backoffMaxMs/],
    ["waitTimeSeconds 1.5", { waitTimeSeconds: 1.5 }, /waitTimeSeconds/],
    ["waitTimeSeconds -1", { waitTimeSeconds: -1 }, /waitTimeSeconds/],
    [
      "redeliveryBaseMs Infinity",
      { redeliveryBaseMs: Number.POSITIVE_INFINITY },
      /redeliveryBaseMs/,
    ],
    ["redeliveryMaxMs over SQS's 12 hours", { redeliveryMaxMs: 43_200_001 }, /redeliveryMaxMs/],
    ["a queue name instead of a URL", { queueUrl: "config" }, /queueUrl/],
  ])("refuses %s", (_, options, message) => {
    // Act
    const error = optionsFailure(() => sqsEventSource({ client: noCalls, queueUrl, ...options }));

    // Assess
    expect(error.reason).toBe("options");
    expect(error.message).toMatch(/^sqsEventSource: /);
    expect(error.message).toMatch(message);
  });
});
