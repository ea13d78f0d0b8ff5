/**
 * A small HTTP service whose responses use the live config, kept current from SQS.
 *
 * Production wiring: an EventBridge rule matching `{"source": ["aws.ssm", "aws.secretsmanager"]}`
 * targets an SQS queue; the service long-polls it through `sqsEventSource`, and polls slowly as a
 * safety net in case an event is lost.
 *
 *   CONFIG_PATH=/shop/prod CONFIG_QUEUE_URL=https://sqs.../config-events npx tsx examples/http-service.ts
 */
import { createServer } from "node:http";
import { SQSClient } from "@aws-sdk/client-sqs";
import { SSMClient } from "@aws-sdk/client-ssm";
import { createConfig, ssmSource } from "ssm-config";
import { sqsEventSource } from "ssm-config/sqs";
import { z } from "zod";

const Config = z.object({
  greeting: z.string().default("hello"),
  features: z.object({ shout: z.stringbool().default(false) }).default({ shout: false }),
  http: z.object({ port: z.coerce.number().int().default(8080) }).default({ port: 8080 }),
});

const path = process.env.CONFIG_PATH ?? "/shop/dev";
const queueUrl = process.env.CONFIG_QUEUE_URL;

const config = createConfig({
  schema: Config,
  sources: [ssmSource({ client: new SSMClient({}), path, keyCase: "camel" })],
  refresh: { intervalMs: 5 * 60_000, jitter: 0.2 },
  events: queueUrl ? sqsEventSource({ client: new SQSClient({}), queueUrl }) : undefined,
});

config.on("change", ({ changes, revision }) => {
  console.log(`config revision ${revision}:`, changes.map((c) => `${c.kind} ${c.key}`).join(", "));
});
config.on("error", (error) => {
  // The last good config stays in use; this is for the logs and alarms.
  console.error(`config refresh failed (${error.name}): ${error.message}`);
});

const { http } = await config.load();
const server = createServer((_request, response) => {
  // Read `current` on every request: it is always the latest validated snapshot.
  const { greeting, features } = config.current;
  response.setHeader("content-type", "text/plain");
  response.end(`${features.shout ? greeting.toUpperCase() : greeting}\n`);
});
server.listen(http.port, "127.0.0.1", () =>
  console.log(`listening on http://127.0.0.1:${http.port}`),
);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    server.close();
    void config.close();
  });
}
