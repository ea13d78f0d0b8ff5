/**
 * A Lambda function that reads a current config on every invocation, with `fresh()`.
 *
 * A Lambda execution environment is frozen between invocations, so timers (polling) do not run
 * there, and a change event reaches only the one environment it invokes. `refresh.maxAgeMs` and
 * `await config.fresh()` close that gap: each invocation gets the current snapshot, and when the
 * last full check is older than `maxAgeMs` it first runs one cheap version check (concurrent
 * callers share it). If that check fails, the invocation still gets the last good snapshot and
 * the failure is logged through `error`.
 *
 * Optionally, an EventBridge rule for Parameter Store and Secrets Manager changes can also target
 * this function (directly or through SQS): the environment that receives it applies the change at
 * once; every other environment picks it up within `maxAgeMs`.
 */
import { SSMClient } from "@aws-sdk/client-ssm";
import { createConfig, ssmSource } from "ssm-config";
import { json } from "ssm-config/zod";
import { z } from "zod";

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
  // At most one version check a minute per environment, and only when it is invoked.
  refresh: { maxAgeMs: Number(process.env.CONFIG_MAX_AGE_MS ?? 60_000) },
});

config.on("error", (error) => {
  // A failed check keeps the last good snapshot; say why, without any secret value.
  console.error(JSON.stringify({ level: "warn", message: error.message, name: error.name }));
});

// Load during the init phase, but never let a failure here kill the runtime as an unhandled
// rejection: `fresh()` in the first invocation loads again and surfaces the error there.
config.load().catch(() => {});

/** True for an EventBridge event or a Lambda SQS batch, the two shapes a change arrives in. */
function isChangeDelivery(event: unknown): boolean {
  if (typeof event !== "object" || event === null) return false;
  return "detail-type" in event || "Records" in event;
}

export async function handler(event: unknown): Promise<{ statusCode: number; body: string }> {
  if (isChangeDelivery(event)) {
    // Loaded (or loads now); then refetch only what the event names. Unrelated events cost no
    // AWS call. A change event is not a full check, so it does not reset the age of fresh().
    await config.load();
    const changes = await config.handleEvent(event);
    return { statusCode: 200, body: JSON.stringify({ applied: changes.length }) };
  }
  const { tableName } = await config.fresh();
  return { statusCode: 200, body: JSON.stringify({ tableName, revision: config.revision }) };
}
