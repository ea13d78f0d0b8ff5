import { describe, expect, it } from "vitest";
import { isConfigError } from "../../src/errors/config-error.js";
import { EventFormatError, parseChangeEvent } from "../../src/events/aws-events.js";
import { sameSecret, secretIdForms } from "../../src/sources/aws/secret-ids.js";
import { HOSTILE_ACCEPTED, HOSTILE_REJECTED } from "../support/hostile-events.js";

const ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/stripe-AbC123";

function parameterChange(name: string, operation = "Update") {
  return {
    version: "0",
    id: "7c1a4b9e-0000-0000-0000-000000000000",
    "detail-type": "Parameter Store Change",
    source: "aws.ssm",
    account: "123456789012",
    time: "2024-05-01T12:00:00Z",
    region: "eu-west-1",
    resources: [
      `arn:aws:ssm:eu-west-1:123456789012:parameter${name.startsWith("/") ? "" : "/"}${name}`,
    ],
    detail: { name, type: "String", operation },
  };
}

function policyAction(name: string, policyType: string) {
  return {
    "detail-type": "Parameter Store Policy Action",
    source: "aws.ssm",
    detail: {
      "parameter-name": name,
      "parameter-type": "SecureString",
      "policy-type": policyType,
      "action-status": "Finished",
    },
  };
}

function cloudTrailCall(eventName: string, secretId = "prod/stripe") {
  return {
    "detail-type": "AWS API Call via CloudTrail",
    source: "aws.secretsmanager",
    detail: {
      eventSource: "secretsmanager.amazonaws.com",
      eventName,
      requestParameters: { secretId },
      responseElements: { arn: ARN },
    },
  };
}

function thrown(act: () => unknown): unknown {
  try {
    act();
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to throw");
}

describe('parseChangeEvent: "Parameter Store Change"', () => {
  const TIME = Date.parse("2024-05-01T12:00:00Z");

  it.each(["Create", "Update", "LabelParameterVersion"])(
    "reads operation %s as a changed parameter, with the event's time",
    (operation) => {
      // Act
      const notices = parseChangeEvent(parameterChange("/app/prod/db/host", operation));

      // Assess
      expect(notices).toEqual([
        { kind: "parameter-changed", name: "/app/prod/db/host", time: TIME },
      ]);
    },
  );

  it("reads operation Delete as a removed parameter", () => {
    // Act
    const notices = parseChangeEvent(parameterChange("/app/prod/db/host", "Delete"));

    // Assess
    expect(notices).toEqual([
      { kind: "parameter-removed", name: "/app/prod/db/host", cause: "deleted", time: TIME },
    ]);
  });

  it("gives a root name reported without leading slash its slash", () => {
    // Act
    const notices = parseChangeEvent(parameterChange("db-host"));

    // Assess
    expect(notices).toEqual([{ kind: "parameter-changed", name: "/db-host", time: TIME }]);
  });

  it("rejects an event without detail.name", () => {
    // Prepare
    const event = { ...parameterChange("/x"), detail: { operation: "Update" } };

    // Act
    const error = thrown(() => parseChangeEvent(event));

    // Assess
    expect(error).toBeInstanceOf(EventFormatError);
    expect((error as Error).message).toMatch(/detail\.name/);
  });
});

describe('parseChangeEvent: "Parameter Store Policy Action"', () => {
  it("reads an Expiration as a removed parameter", () => {
    // Act
    const notices = parseChangeEvent(policyAction("/app/prod/token", "Expiration"));

    // Assess
    expect(notices).toEqual([
      { kind: "parameter-removed", name: "/app/prod/token", cause: "expired", time: undefined },
    ]);
  });

  it.each(["ExpirationNotification", "NoChangeNotification"])(
    "reads %s as a policy notice that changes nothing",
    (policyType) => {
      // Act
      const notices = parseChangeEvent(policyAction("/app/prod/token", policyType));

      // Assess
      expect(notices).toEqual([{ kind: "policy-notice", name: "/app/prod/token", policyType }]);
    },
  );

  it('rejects an event without "parameter-name"', () => {
    // Prepare
    const event = { ...policyAction("/x", "Expiration"), detail: { "policy-type": "Expiration" } };

    // Act
    const error = thrown(() => parseChangeEvent(event));

    // Assess
    expect(error).toBeInstanceOf(EventFormatError);
  });
});

describe("parseChangeEvent: Secrets Manager", () => {
  it('names the secret of "Secret Label Updated" from detail.name', () => {
    // Prepare
    const event = {
      "detail-type": "Secret Label Updated",
      source: "aws.secretsmanager",
      detail: { name: "prod/stripe" },
    };

    // Act
    const notices = parseChangeEvent(event);

    // Assess
    expect(notices).toEqual([{ kind: "secret-changed", ids: ["prod/stripe"] }]);
  });

  it.each(["PutSecretValue", "UpdateSecret", "RotateSecret", "UpdateSecretVersionStage"])(
    "names the secret of a CloudTrail %s call by request id and response ARN",
    (eventName) => {
      // Act
      const notices = parseChangeEvent(cloudTrailCall(eventName));

      // Assess
      expect(notices).toEqual([{ kind: "secret-changed", ids: ["prod/stripe", ARN] }]);
    },
  );

  it("includes the event's resources among the ids", () => {
    // Prepare
    const event = { ...cloudTrailCall("PutSecretValue"), resources: [ARN, "arn:other"] };

    // Act
    const notices = parseChangeEvent(event);

    // Assess
    expect(notices).toEqual([{ kind: "secret-changed", ids: ["prod/stripe", ARN, "arn:other"] }]);
  });

  it("ignores CloudTrail calls that do not change a secret", () => {
    // Act
    const notices = parseChangeEvent(cloudTrailCall("GetSecretValue"));

    // Assess
    expect(notices).toEqual([]);
  });

  it("names the secret of RotationSucceeded from additionalEventData.SecretId", () => {
    // Prepare
    const event = {
      "detail-type": "AWS Service Event via CloudTrail",
      source: "aws.secretsmanager",
      detail: { eventName: "RotationSucceeded", additionalEventData: { SecretId: ARN } },
    };

    // Act
    const notices = parseChangeEvent(event);

    // Assess
    expect(notices).toEqual([{ kind: "secret-changed", ids: [ARN] }]);
  });

  it("rejects a secret event that names no secret", () => {
    // Prepare
    const event = {
      "detail-type": "Secret Label Updated",
      source: "aws.secretsmanager",
      detail: {},
    };

    // Act
    const error = thrown(() => parseChangeEvent(event));

    // Assess
    expect(error).toBeInstanceOf(EventFormatError);
  });
});

describe("parseChangeEvent: envelopes", () => {
  const event = parameterChange("/app/db/host");
  const notice = {
    kind: "parameter-changed",
    name: "/app/db/host",
    time: Date.parse("2024-05-01T12:00:00Z"),
  };

  it("reads every event of an array", () => {
    // Act
    const notices = parseChangeEvent([event, parameterChange("/app/db/port")]);

    // Assess
    expect(notices).toEqual([notice, { ...notice, name: "/app/db/port" }]);
  });

  it("reads an SQS message body (JSON text)", () => {
    // Act
    const notices = parseChangeEvent(JSON.stringify(event));

    // Assess
    expect(notices).toEqual([notice]);
  });

  it("reads the Message of an SNS envelope", () => {
    // Prepare
    const envelope = { Type: "Notification", MessageId: "m-1", Message: JSON.stringify(event) };

    // Act
    const notices = parseChangeEvent(envelope);

    // Assess
    expect(notices).toEqual([notice]);
  });

  it("reads every record body of a Lambda SQS event", () => {
    // Prepare
    const lambdaEvent = {
      Records: [
        { messageId: "1", eventSource: "aws:sqs", body: JSON.stringify(event) },
        { messageId: "2", eventSource: "aws:sqs", body: JSON.stringify([event]) },
      ],
    };

    // Act
    const notices = parseChangeEvent(lambdaEvent);

    // Assess
    expect(notices).toEqual([notice, notice]);
  });

  it("reads an SNS envelope inside an SQS body inside a Lambda SQS event", () => {
    // Prepare
    const sns = { Type: "Notification", Message: JSON.stringify(event) };
    const lambdaEvent = { Records: [{ body: JSON.stringify(sns) }] };

    // Act
    const notices = parseChangeEvent(lambdaEvent);

    // Assess
    expect(notices).toEqual([notice]);
  });

  it("reads a Lambda SNS event", () => {
    // Prepare
    const lambdaEvent = {
      Records: [{ Sns: { Type: "Notification", Message: JSON.stringify(event) } }],
    };

    // Act
    const notices = parseChangeEvent(lambdaEvent);

    // Assess
    expect(notices).toEqual([notice]);
  });
});

describe("parseChangeEvent: irrelevant but well-formed events", () => {
  it.each([
    [
      "an event of another service",
      {
        "detail-type": "EC2 Instance State-change Notification",
        source: "aws.ec2",
        detail: { state: "running" },
      },
    ],
    [
      "another SSM event",
      { "detail-type": "EC2 Command Status-change Notification", source: "aws.ssm", detail: {} },
    ],
    [
      "another Secrets Manager service event",
      {
        "detail-type": "AWS Service Event via CloudTrail",
        source: "aws.secretsmanager",
        detail: { eventName: "RotationStarted" },
      },
    ],
    [
      "an SNS subscription confirmation",
      {
        Type: "SubscriptionConfirmation",
        Message: "You have chosen to subscribe…",
        SubscribeURL: "https://sns.example",
      },
    ],
    ["an empty array", []],
    ["a Lambda event without records", { Records: [] }],
  ])("yields no notice for %s", (_, event) => {
    // Act
    const notices = parseChangeEvent(event);

    // Assess
    expect(notices).toEqual([]);
  });
});

describe("parseChangeEvent: malformed input", () => {
  let deep: unknown = parameterChange("/app/db/host");
  for (let i = 0; i < 10; i++) deep = JSON.stringify(deep);

  it.each([
    ["null", null],
    ["a number", 42],
    ["undefined", undefined],
    ["invalid JSON text", "{not json"],
    ["an object without detail-type", { source: "aws.ssm", detail: {} }],
    [
      "a detail that is not an object",
      { "detail-type": "Parameter Store Change", source: "aws.ssm", detail: "x" },
    ],
    [
      "a Parameter Store Change without name",
      {
        "detail-type": "Parameter Store Change",
        source: "aws.ssm",
        detail: { operation: "Update" },
      },
    ],
    ["a record lacking a body", { Records: [{ body: "{}" }, { messageId: "2" }] }],
    ["an SNS envelope whose Message is not a string", { Type: "Notification", Message: 1 }],
    ["strings nested too deeply", deep],
  ])("rejects %s with an EventFormatError that is a TypeError", (_, input) => {
    // Act
    const error = thrown(() => parseChangeEvent(input));

    // Assess
    expect(error).toBeInstanceOf(EventFormatError);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).name).toBe("EventFormatError");
  });

  it("rejects a whole batch when one record is malformed, naming the record", () => {
    // Prepare
    const lambdaEvent = {
      Records: [{ body: JSON.stringify(parameterChange("/a")) }, { messageId: "2" }],
    };

    // Act
    const error = thrown(() => parseChangeEvent(lambdaEvent));

    // Assess
    expect((error as Error).message).toMatch(/Records\[1\]/);
  });
});

describe("parseChangeEvent: hostile input", () => {
  it.each(HOSTILE_REJECTED)(
    "rejects %s with a short EventFormatError, running none of its getters or methods",
    (_, make) => {
      // Prepare
      const { input, ran } = make();

      // Act
      const error = thrown(() => parseChangeEvent(input));

      // Assess
      expect(error).toBeInstanceOf(EventFormatError);
      expect(error).toBeInstanceOf(TypeError);
      expect((error as Error).message.length).toBeLessThan(300);
      expect(ran()).toBe(0);
    },
  );

  it.each(HOSTILE_ACCEPTED)("reads %s as plain data, running none of its code", (_, make) => {
    // Prepare
    const { input, ran } = make();

    // Act
    const notices = parseChangeEvent(input);

    // Assess
    expect(notices.length).toBeGreaterThan(0);
    for (const notice of notices)
      expect(notice).toMatchObject({ kind: "parameter-changed", name: "/a" });
    expect(ran()).toBe(0);
  });

  it("keeps what reading the input threw as the cause", () => {
    // Prepare
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();

    // Act
    const error = thrown(() => parseChangeEvent(proxy)) as EventFormatError;

    // Assess
    expect(error).toBeInstanceOf(EventFormatError);
    expect(error.cause).toBeInstanceOf(TypeError);
    expect(error.message).toMatch(/could not be read/);
  });

  it("wraps a thrown value whose own traps throw, without touching it", () => {
    // Prepare
    let touched = 0;
    const hostile = new Proxy(
      {},
      {
        getPrototypeOf() {
          touched++;
          throw new Error("trap called");
        },
        get() {
          touched++;
          throw new Error("trap called");
        },
      },
    );
    const input = new Proxy(
      {},
      {
        getOwnPropertyDescriptor() {
          throw hostile;
        },
      },
    );

    // Act
    const error = thrown(() => parseChangeEvent(input)) as EventFormatError;

    // Assess
    expect(Object.getPrototypeOf(error)).toBe(EventFormatError.prototype);
    expect(error.cause).toBe(hostile);
    expect(touched).toBe(0);
  });

  it("shortens a huge detail-type in its message", () => {
    // Prepare
    const detailType = "x".repeat(100_000);

    // Act
    const error = thrown(() => parseChangeEvent({ "detail-type": detailType, source: "aws.ssm" }));

    // Assess
    expect(error).toBeInstanceOf(EventFormatError);
    expect((error as Error).message.length).toBeLessThan(200);
  });
});

describe("EventFormatError", () => {
  it("is recognised by isConfigError while it stays a TypeError", () => {
    // Act
    const error = new EventFormatError("not an event");

    // Assess
    expect(isConfigError(error)).toBe(true);
    expect(error).toBeInstanceOf(TypeError);
    expect(error.name).toBe("EventFormatError");
  });
});

describe("secret ids", () => {
  it.each([
    ["a name and itself", "prod/stripe", "prod/stripe"],
    ["a name and its full ARN", "prod/stripe", ARN],
    ["a full ARN and the name", ARN, "prod/stripe"],
    [
      "a name and its ARN without suffix",
      "prod/stripe",
      "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/stripe",
    ],
    ["a name with suffix and the full ARN", "prod/stripe-AbC123", ARN],
    [
      "a GovCloud ARN and the name",
      "arn:aws-us-gov:secretsmanager:us-gov-west-1:1:secret:prod/stripe-AbC123",
      "prod/stripe",
    ],
  ])("sameSecret holds for %s", (_, a, b) => {
    // Act
    const same = sameSecret(a, b);

    // Assess
    expect(same).toBe(true);
  });

  it.each([
    ["two names", "prod/stripe", "prod/paypal"],
    ["a name and another secret's ARN", "prod/paypal", ARN],
    ["a name that only shares a prefix", "prod/stripe-live", "prod/stripe"],
  ])("sameSecret fails for %s", (_, a, b) => {
    // Act
    const same = sameSecret(a, b);

    // Assess
    expect(same).toBe(false);
  });

  it("secretIdForms lists the ARN, its name, and its name without random suffix", () => {
    // Act
    const forms = secretIdForms(ARN);

    // Assess
    expect(forms).toEqual([ARN, "prod/stripe-AbC123", "prod/stripe"]);
  });

  it("secretIdForms of a plain name is the name alone", () => {
    // Act
    const forms = secretIdForms("prod/stripe-AbC123");

    // Assess
    expect(forms).toEqual(["prod/stripe-AbC123"]);
  });
});
