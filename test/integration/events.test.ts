import { CreateSecretCommand, PutSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import {
  ChangeMessageVisibilityCommand,
  GetQueueAttributesCommand,
  SendMessageCommand,
} from "@aws-sdk/client-sqs";
import { DeleteParameterCommand } from "@aws-sdk/client-ssm";
import { expect, it } from "vitest";
import { z } from "zod";
import { type ChangeEvent, createConfig, type PolicyEvent, ssmSource } from "../../src/index.js";
import { sqsEventSource } from "../../src/sqs.js";
import {
  awsClients,
  countCalls,
  describeMoto,
  putParameter,
  totalCalls,
  uniquePath,
} from "../support/aws.js";
import {
  eventQueue,
  parameterChangeEvent,
  policyActionEvent,
  putEvents,
  secretApiCallEvent,
  waitFor,
} from "../support/events.js";
import { breakableClient, closeAfterEach } from "../support/loaders.js";

const track = closeAfterEach();

describeMoto("handleEvent", () => {
  const clients = awsClients();
  const { ssm } = clients;

  async function pathConfig(root: string) {
    const { ssm: counted } = awsClients();
    const calls = countCalls(counted);
    const config = track(
      createConfig({
        schema: z.record(z.string(), z.string()),
        sources: [ssmSource({ client: counted, path: root })],
      }),
    );
    await config.load();
    calls.clear();
    return { config, calls };
  }

  it("refetches only the parameter an Update event names", async () => {
    const root = uniquePath("ev");
    await putParameter(ssm, `${root}/a`, "1");
    await putParameter(ssm, `${root}/b`, "1");
    const { config, calls } = await pathConfig(root);
    await putParameter(ssm, `${root}/a`, "2");

    const changes = await config.handleEvent(parameterChangeEvent(`${root}/a`));

    expect(changes).toEqual([
      { key: "a", parameter: `${root}/a`, kind: "updated", previousVersion: 1, version: 2 },
    ]);
    expect(calls.get("GetParametersCommand")).toBe(1);
    expect(totalCalls(calls)).toBe(1);
    expect(config.current).toEqual({ a: "2", b: "1" });
  });

  it("treats a Create under a watched path as an addition", async () => {
    const root = uniquePath("create");
    await putParameter(ssm, `${root}/a`, "1");
    const { config } = await pathConfig(root);
    await putParameter(ssm, `${root}/new-key`, "x");

    const changes = await config.handleEvent(parameterChangeEvent(`${root}/new-key`, "Create"));

    expect(changes).toEqual([
      { key: "new-key", parameter: `${root}/new-key`, kind: "added", version: 1 },
    ]);
  });

  it("removes a deleted parameter without any AWS call", async () => {
    const root = uniquePath("delete");
    await putParameter(ssm, `${root}/a`, "1");
    await putParameter(ssm, `${root}/b`, "1");
    const { config, calls } = await pathConfig(root);
    await ssm.send(new DeleteParameterCommand({ Name: `${root}/b` }));

    const changes = await config.handleEvent(parameterChangeEvent(`${root}/b`, "Delete"));

    expect(changes).toEqual([
      { key: "b", parameter: `${root}/b`, kind: "removed", previousVersion: 1 },
    ]);
    expect(totalCalls(calls)).toBe(0);
  });

  it("accepts a root parameter named without its leading slash", async () => {
    const name = uniquePath("rootname");
    await putParameter(ssm, name, "1");
    const { ssm: counted } = awsClients();
    const config = track(
      createConfig({
        schema: z.object({ v: z.string() }),
        sources: [ssmSource({ client: counted, parameters: { v: name } })],
      }),
    );
    await config.load();
    await putParameter(ssm, name, "2");

    const changes = await config.handleEvent(parameterChangeEvent(name.slice(1)));

    expect(changes.map((change) => change.kind)).toEqual(["updated"]);
    expect(config.current.v).toBe("2");
  });

  it("resolves [] without any AWS call for names this config does not use", async () => {
    const root = uniquePath("unrelated");
    await putParameter(ssm, `${root}/a`, "1");
    const { config, calls } = await pathConfig(root);

    const changes = await config.handleEvent(parameterChangeEvent("/somewhere/else"));

    expect(changes).toEqual([]);
    expect(totalCalls(calls)).toBe(0);
  });

  it("rejects malformed input with a TypeError and changes nothing", async () => {
    const root = uniquePath("bad");
    await putParameter(ssm, `${root}/a`, "1");
    const { config, calls } = await pathConfig(root);
    const before = config.current;

    for (const bad of [
      null,
      42,
      "not json",
      { hello: "world" },
      { "detail-type": "Parameter Store Change" },
    ]) {
      await expect(config.handleEvent(bad)).rejects.toBeInstanceOf(TypeError);
    }
    expect(config.current).toBe(before);
    expect(totalCalls(calls)).toBe(0);
  });

  it("accepts an SQS body, an SNS envelope, a Lambda SQS event and an array, applied as one snapshot", async () => {
    const root = uniquePath("shapes");
    for (const key of ["a", "b", "c", "d"]) await putParameter(ssm, `${root}/${key}`, "1");
    const { config } = await pathConfig(root);
    const events: ChangeEvent<unknown>[] = [];
    config.on("change", (event) => events.push(event));
    for (const key of ["a", "b", "c", "d"]) await putParameter(ssm, `${root}/${key}`, "2");
    const body = (key: string) => JSON.stringify(parameterChangeEvent(`${root}/${key}`));

    const changes = await config.handleEvent([
      body("a"),
      { Type: "Notification", Message: body("b") },
      { Records: [{ body: body("c") }] },
      parameterChangeEvent(`${root}/d`),
    ]);

    expect(changes.map((change) => change.key)).toEqual(["a", "b", "c", "d"]);
    expect(events).toHaveLength(1);
    expect(config.current).toEqual({ a: "2", b: "2", c: "2", d: "2" });
  });

  it("announces ExpirationNotification on `policy` and treats Expiration as a removal", async () => {
    const root = uniquePath("policy");
    await putParameter(ssm, `${root}/a`, "1");
    await putParameter(ssm, `${root}/b`, "1");
    const { config, calls } = await pathConfig(root);
    const policies: PolicyEvent[] = [];
    config.on("policy", (event) => policies.push(event));

    expect(
      await config.handleEvent(policyActionEvent(`${root}/a`, "ExpirationNotification")),
    ).toEqual([]);
    expect(
      await config.handleEvent(policyActionEvent(`${root}/a`, "NoChangeNotification")),
    ).toEqual([]);
    const changes = await config.handleEvent(policyActionEvent(`${root}/b`, "Expiration"));

    expect(policies).toEqual([
      { parameter: `${root}/a`, policyType: "ExpirationNotification" },
      { parameter: `${root}/a`, policyType: "NoChangeNotification" },
    ]);
    expect(changes).toEqual([
      { key: "b", parameter: `${root}/b`, kind: "removed", previousVersion: 1 },
    ]);
    expect(totalCalls(calls)).toBe(0);
  });

  it("refetches a secret reference named by name, by full ARN or by ARN with suffix", async () => {
    const name = `${uniquePath("secretev").slice(1)}/api`;
    const created = await clients.secrets.send(
      new CreateSecretCommand({ Name: name, SecretString: "v1" }),
    );
    const arn = created.ARN as string;
    const config = track(
      createConfig({
        schema: z.object({ api: z.string() }),
        sources: [
          ssmSource({ client: ssm, parameters: { api: `/aws/reference/secretsmanager/${name}` } }),
        ],
      }),
    );
    await config.load();

    for (const [index, event] of [
      secretApiCallEvent("PutSecretValue", name),
      secretApiCallEvent("UpdateSecret", arn),
      secretApiCallEvent("UpdateSecretVersionStage", "unrelated", arn),
    ].entries()) {
      await clients.secrets.send(
        new PutSecretValueCommand({ SecretId: name, SecretString: `v${index + 2}` }),
      );
      const changes = await config.handleEvent(event);
      expect(changes.map((change) => change.kind)).toEqual(["updated"]);
      expect(config.current.api).toBe(`v${index + 2}`);
    }
    expect(arn).toMatch(/-[A-Za-z0-9]{6}$/);
  });

  it("follows RotationSucceeded and Secret Label Updated events", async () => {
    const name = `${uniquePath("rotation").slice(1)}/db`;
    await clients.secrets.send(new CreateSecretCommand({ Name: name, SecretString: "before" }));
    const config = track(
      createConfig({
        schema: z.object({ db: z.string() }),
        sources: [
          ssmSource({ client: ssm, parameters: { db: `/aws/reference/secretsmanager/${name}` } }),
        ],
      }),
    );
    await config.load();
    await clients.secrets.send(
      new PutSecretValueCommand({ SecretId: name, SecretString: "after-rotation" }),
    );

    const changes = await config.handleEvent({
      "detail-type": "AWS Service Event via CloudTrail",
      source: "aws.secretsmanager",
      detail: { eventName: "RotationSucceeded", additionalEventData: { SecretId: name } },
    });
    expect(changes.map((change) => change.kind)).toEqual(["updated"]);

    await clients.secrets.send(
      new PutSecretValueCommand({ SecretId: name, SecretString: "labelled" }),
    );
    const labelChanges = await config.handleEvent({
      "detail-type": "Secret Label Updated",
      source: "aws.secretsmanager",
      detail: { name, labelUpdated: "AWSCURRENT", versionId: "x" },
    });
    expect(labelChanges.map((change) => change.kind)).toEqual(["updated"]);
    expect(config.current.db).toBe("labelled");
  });
});

describeMoto("the production path: EventBridge rule -> SQS -> sqsEventSource", () => {
  const clients = awsClients();

  it("applies a PutParameter announced by PutEvents, and deletes the message", async () => {
    const root = uniquePath("e2e");
    await putParameter(clients.ssm, `${root}/flag`, "off");
    const { queueUrl } = await eventQueue(clients);
    const config = track(
      createConfig({
        schema: z.object({ flag: z.enum(["on", "off"]) }),
        sources: [ssmSource({ client: clients.ssm, path: root })],
        events: sqsEventSource({ client: clients.sqs, queueUrl, waitTimeSeconds: 1 }),
      }),
    );
    await config.load();
    const changes: ChangeEvent<{ flag: "on" | "off" }>[] = [];
    config.on("change", (event) => changes.push(event));

    await putParameter(clients.ssm, `${root}/flag`, "on");
    await putEvents(clients, [parameterChangeEvent(`${root}/flag`)]);
    await waitFor(() => changes.length > 0, 15_000);

    expect(config.current.flag).toBe("on");
    expect(changes[0]?.changes).toEqual([
      { key: "flag", parameter: `${root}/flag`, kind: "updated", previousVersion: 1, version: 2 },
    ]);
    await waitFor(async () => (await queueDepth(clients, queueUrl)) === 0, 10_000);
  });

  it("leaves a message it cannot parse on the queue and reports it on `error`", async () => {
    const root = uniquePath("poison");
    await putParameter(clients.ssm, `${root}/a`, "1");
    const { queueUrl } = await eventQueue(clients);
    const config = track(
      createConfig({
        schema: z.record(z.string(), z.string()),
        sources: [ssmSource({ client: clients.ssm, path: root })],
        events: sqsEventSource({ client: clients.sqs, queueUrl, waitTimeSeconds: 1 }),
      }),
    );
    await config.load();
    const errors: Error[] = [];
    config.on("error", (error) => errors.push(error));

    await clients.sqs.send(
      new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: "{not json" }),
    );
    await waitFor(() => errors.length > 0, 15_000);

    expect(errors[0]).toBeInstanceOf(TypeError);
    expect(errors[0]?.message).toMatch(/stays on the queue/);
    await config.close();
    expect(await queueDepth(clients, queueUrl)).toBe(1);
  });

  it("stops the long poll promptly on close()", async () => {
    const root = uniquePath("closing");
    await putParameter(clients.ssm, `${root}/a`, "1");
    const { queueUrl } = await eventQueue(clients);
    const config = createConfig({
      schema: z.record(z.string(), z.string()),
      sources: [ssmSource({ client: clients.ssm, path: root })],
      events: sqsEventSource({ client: clients.sqs, queueUrl, waitTimeSeconds: 20 }),
    });
    await config.load();
    await new Promise((resolve) => setTimeout(resolve, 300));

    const started = Date.now();
    await config.close();

    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

/** Messages in the queue, visible or in flight. */
async function queueDepth(
  clients: ReturnType<typeof awsClients>,
  queueUrl: string,
): Promise<number> {
  const { Attributes } = await clients.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    }),
  );
  return (
    Number(Attributes?.ApproximateNumberOfMessages ?? 0) +
    Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
  );
}

describeMoto("sqsEventSource redelivery", () => {
  const clients = awsClients();

  it("brings a message whose refresh failed back after a short jittered wait, not the queue's 30 s", async () => {
    const root = uniquePath("redeliver");
    await putParameter(clients.ssm, `${root}/flag`, "off");
    const { queueUrl } = await eventQueue(clients);
    const flaky = breakableClient(clients.ssm, () =>
      Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" }),
    );
    const visibilityTimeouts: number[] = [];
    const recordingSqs = {
      send(command: unknown, options?: { abortSignal?: AbortSignal }): Promise<unknown> {
        if (command instanceof ChangeMessageVisibilityCommand) {
          visibilityTimeouts.push(command.input.VisibilityTimeout ?? -1);
        }
        return clients.sqs.send(command as never, options);
      },
    };
    const config = track(
      createConfig({
        schema: z.object({ flag: z.string() }),
        sources: [ssmSource({ client: flaky, path: root })],
        events: sqsEventSource({
          client: recordingSqs,
          queueUrl,
          waitTimeSeconds: 1,
          redeliveryBaseMs: 1_000,
          redeliveryMaxMs: 2_000,
        }),
      }),
    );
    await config.load();
    const errors: Error[] = [];
    config.on("error", (error) => errors.push(error));
    flaky.broken = true;
    await putParameter(clients.ssm, `${root}/flag`, "on");
    await clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: JSON.stringify(parameterChangeEvent(`${root}/flag`)),
      }),
    );
    await waitFor(() => errors.length > 0, 10_000);
    flaky.broken = false;

    await waitFor(() => config.current.flag === "on", 10_000);

    // Hidden for 1-2 s (redeliveryBaseMs..MaxMs), not for the queue's 30 s, then applied.
    expect(visibilityTimeouts.length).toBeGreaterThanOrEqual(1);
    for (const seconds of visibilityTimeouts) {
      expect(seconds).toBeGreaterThanOrEqual(1);
      expect(seconds).toBeLessThanOrEqual(2);
    }
    expect(config.current.flag).toBe("on");
    await waitFor(async () => (await queueDepth(clients, queueUrl)) === 0, 10_000);
    expect(await queueDepth(clients, queueUrl)).toBe(0);
  });
});
