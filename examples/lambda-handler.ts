/**
 * A Lambda function that keeps its config current from EventBridge events.
 *
 * The config is created and loaded once per execution environment (outside the handler), so warm
 * invocations read it from memory. Configure an EventBridge rule for Parameter Store and Secrets
 * Manager changes that targets this function (directly, or through SQS: both event shapes work).
 * Invocations that are not change events simply read the config.
 */
import { SSMClient } from "@aws-sdk/client-ssm";
import { z } from "zod";
import { createConfig, json, ssmSource } from "../src/index.js";

const Config = z.object({
  tableName: z.string(),
  stripe: json(z.object({ apiKey: z.string() })),
});

const config = createConfig({
  schema: Config,
  sources: [
    ssmSource({
      client: new SSMClient({}),
      path: process.env.CONFIG_PATH ?? "/orders/prod",
      keyCase: "camel",
      parameters: { stripe: "/aws/reference/secretsmanager/orders/prod/stripe" },
    }),
  ],
});
const ready = config.load();

/** True for an EventBridge event or a Lambda SQS batch, the two shapes a change arrives in. */
function isChangeDelivery(event: unknown): boolean {
  if (typeof event !== "object" || event === null) return false;
  return "detail-type" in event || "Records" in event;
}

export async function handler(event: unknown): Promise<{ statusCode: number; body: string }> {
  await ready;
  if (isChangeDelivery(event)) {
    // Refetches only the parameters the event names; unrelated events cost no AWS call.
    const changes = await config.handleEvent(event);
    return { statusCode: 200, body: JSON.stringify({ applied: changes.length }) };
  }
  const { tableName } = config.current;
  return { statusCode: 200, body: JSON.stringify({ tableName, revision: config.revision }) };
}
