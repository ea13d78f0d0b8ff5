import { randomUUID } from "node:crypto";
import {
  CreateTopicCommand,
  ListSubscriptionsByTopicCommand,
  PublishCommand,
  SNSClient,
} from "@aws-sdk/client-sns";
import { ListQueuesCommand, ReceiveMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { motoEndpoint } from "./aws.js";

/** An SNS client pointed at moto. */
export function snsClient(endpoint = motoEndpoint): SNSClient {
  return new SNSClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
  });
}

/** A fresh topic and a fresh queue prefix, so that tests sharing one moto never meet. */
export async function fleetTopic(sns: SNSClient): Promise<{ topicArn: string; prefix: string }> {
  const id = randomUUID().slice(0, 8);
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: `cfg-${id}` }));
  return { topicArn: TopicArn as string, prefix: `t-${id}-` };
}

/** Publishes an EventBridge-shaped event to the topic, as the rule would (moto does not route it). */
export async function publishEvent(
  sns: SNSClient,
  topicArn: string,
  event: Record<string, unknown>,
): Promise<void> {
  await sns.send(new PublishCommand({ TopicArn: topicArn, Message: JSON.stringify(event) }));
}

/** Queue URLs whose name starts with `prefix`. */
export async function queuesWithPrefix(sqs: SQSClient, prefix: string): Promise<string[]> {
  const { QueueUrls } = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: prefix }));
  return QueueUrls ?? [];
}

/** The topic's subscriptions, as endpoint (queue ARN) per subscription. */
export async function topicSubscriptions(
  sns: SNSClient,
  topicArn: string,
): Promise<Array<{ arn: string; endpoint: string }>> {
  const { Subscriptions } = await sns.send(
    new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }),
  );
  return (Subscriptions ?? []).map((s) => ({
    arn: s.SubscriptionArn as string,
    endpoint: s.Endpoint as string,
  }));
}

/**
 * An SQS client that records every message body `ReceiveMessage` returned, to prove what reached
 * a queue (and what the filter policy kept off it).
 */
export function recordingSqs(sqs: SQSClient): {
  client: { send(command: unknown, options?: { abortSignal?: AbortSignal }): Promise<unknown> };
  received: string[];
} {
  const received: string[] = [];
  return {
    received,
    client: {
      async send(command, options) {
        const response = await sqs.send(command as never, options);
        if (command instanceof ReceiveMessageCommand) {
          for (const message of (response as { Messages?: Array<{ Body?: string }> }).Messages ??
            [])
            received.push(message.Body ?? "");
        }
        return response;
      },
    },
  };
}
