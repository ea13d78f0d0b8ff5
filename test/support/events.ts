import { randomUUID } from "node:crypto";
import { PutEventsCommand, PutRuleCommand, PutTargetsCommand } from "@aws-sdk/client-eventbridge";
import { CreateQueueCommand, GetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import type { awsClients } from "./aws.js";

type Clients = ReturnType<typeof awsClients>;

/** The "Parameter Store Change" event AWS publishes (moto does not emit it by itself). */
export function parameterChangeEvent(name: string, operation = "Update", type = "String") {
  return {
    version: "0",
    id: randomUUID(),
    "detail-type": "Parameter Store Change",
    source: "aws.ssm",
    account: "123456789012",
    time: new Date().toISOString(),
    region: "us-east-1",
    resources: [
      `arn:aws:ssm:us-east-1:123456789012:parameter${name.startsWith("/") ? name : `/${name}`}`,
    ],
    detail: { operation, name, type, description: "" },
  };
}

/** A "Parameter Store Policy Action" event. */
export function policyActionEvent(name: string, policyType: string) {
  return {
    version: "0",
    id: randomUUID(),
    "detail-type": "Parameter Store Policy Action",
    source: "aws.ssm",
    account: "123456789012",
    time: new Date().toISOString(),
    region: "us-east-1",
    resources: [`arn:aws:ssm:us-east-1:123456789012:parameter${name}`],
    detail: {
      "parameter-name": name,
      "parameter-type": "String",
      "policy-type": policyType,
      "action-status": "Finished",
      "action-reason": "",
    },
  };
}

/** A CloudTrail-derived Secrets Manager API call event (e.g. PutSecretValue). */
export function secretApiCallEvent(eventName: string, secretId: string, arn?: string) {
  return {
    version: "0",
    id: randomUUID(),
    "detail-type": "AWS API Call via CloudTrail",
    source: "aws.secretsmanager",
    account: "123456789012",
    time: new Date().toISOString(),
    region: "us-east-1",
    resources: [],
    detail: {
      eventSource: "secretsmanager.amazonaws.com",
      eventName,
      requestParameters: { secretId },
      responseElements: arn ? { arn } : null,
    },
  };
}

/** A queue with an EventBridge rule delivering Parameter Store and Secrets Manager events to it. */
export async function eventQueue(
  clients: Clients,
): Promise<{ queueUrl: string; queueArn: string }> {
  const name = `cfg-${randomUUID().slice(0, 8)}`;
  const { QueueUrl } = await clients.sqs.send(
    new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: "30" } }),
  );
  const attributes = await clients.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }),
  );
  const queueArn = attributes.Attributes?.QueueArn as string;
  await clients.events.send(
    new PutRuleCommand({
      Name: `${name}-rule`,
      EventPattern: JSON.stringify({ source: ["aws.ssm", "aws.secretsmanager"] }),
      State: "ENABLED",
    }),
  );
  await clients.events.send(
    new PutTargetsCommand({ Rule: `${name}-rule`, Targets: [{ Id: "queue", Arn: queueArn }] }),
  );
  return { queueUrl: QueueUrl as string, queueArn };
}

/** Publishes events on the default bus as AWS would. */
export async function putEvents(
  clients: Clients,
  events: Array<Record<string, unknown>>,
): Promise<void> {
  await clients.events.send(
    new PutEventsCommand({
      Entries: events.map((event) => ({
        Source: String(event.source),
        DetailType: String(event["detail-type"]),
        Detail: JSON.stringify(event.detail),
        Resources: event.resources as string[],
      })),
    }),
  );
}

/** Resolves when `check` returns true, polling every `everyMs`, or rejects after `timeoutMs`. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  everyMs = 50,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  throw new Error(`condition not met within ${timeoutMs} ms`);
}
