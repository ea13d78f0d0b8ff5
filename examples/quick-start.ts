// The README's quick start, kept here so that `npm run typecheck` proves it compiles.
import { SQSClient } from "@aws-sdk/client-sqs";
import { SSMClient } from "@aws-sdk/client-ssm";
import { createConfig, ssmSource } from "ssm-config";
import { sqsEventSource } from "ssm-config/sqs";
import { json } from "ssm-config/zod";
import { z } from "zod";

const Config = z.object({
  db: z.object({ host: z.string(), port: z.coerce.number().int(), password: z.string() }),
  origins: z.array(z.string()), // a StringList parameter
  stripe: json(z.object({ apiKey: z.string() })), // a JSON secret, parsed then validated
  level: z.enum(["debug", "info"]).default("info"),
});

const config = createConfig({
  schema: Config,
  sources: [
    ssmSource({
      client: new SSMClient({}),
      path: "/app/prod", // /app/prod/db/host -> db.host
      parameters: {
        stripe: "/aws/reference/secretsmanager/prod/stripe",
        "db.port": "/shared/db/port:stable", // version or label selectors
      },
    }),
  ],
  refresh: { intervalMs: 60_000, jitter: 0.1 }, // a cheap, version-only check each minute
  // EventBridge rule -> SQS queue: a change arrives in about a second instead of at the next poll.
  events: process.env.CONFIG_QUEUE_URL
    ? sqsEventSource({ client: new SQSClient({}), queueUrl: process.env.CONFIG_QUEUE_URL })
    : undefined,
});

const { db } = await config.load(); // typed, validated, deeply frozen
console.log(`connecting to ${db.host}:${db.port}`);
console.log(config.redacted()); // secrets shown as [REDACTED]

config.on("change", ({ changes }) => console.log("config changed:", changes));
config.on("error", (error) =>
  console.error("refresh failed, keeping last good config:", error.message),
);
