/**
 * A small HTTP service whose responses use the live config, kept current by change events. Run
 * it as many replicas as you like: each one gets its own queue on the config topic.
 *
 * Production wiring: deploy examples/cloudformation/config-events.yaml (EventBridge rules -> an
 * SNS topic); pass its TopicArn output. Each replica's `snsEventSource` creates a queue of its own,
 * subscribes it to the topic with a filter for the names this config reads, and deletes it on
 * shutdown; the service also polls slowly as a safety net in case an event is lost.
 *
 *   CONFIG_PATH=/shop/prod CONFIG_TOPIC_ARN=arn:aws:sns:...:config-events npx tsx examples/http-service.ts
 */
import { createServer } from "node:http";
import { SSMClient } from "@aws-sdk/client-ssm";
import { createConfig, ssmSource } from "ssm-config";
import { snsEventSource } from "ssm-config/sns";
import { z } from "zod";

const Config = z.object({
  greeting: z.string().default("hello"),
  features: z.object({ shout: z.stringbool().default(false) }).default({ shout: false }),
  http: z.object({ port: z.coerce.number().int().default(8080) }).default({ port: 8080 }),
});

const path = process.env.CONFIG_PATH ?? "/shop/dev";
const topicArn = process.env.CONFIG_TOPIC_ARN;

const config = createConfig({
  schema: Config,
  sources: [ssmSource({ client: new SSMClient({}), path, keyCase: "camel" })],
  refresh: { intervalMs: 5 * 60_000, jitter: 0.2 },
  // Every replica receives every change: spread their fetches (about 1.6 x replicas / the
  // account's Parameter Store requests per second, in seconds; 40/s by default).
  eventSpreadMs: 10_000,
  events: topicArn ? snsEventSource({ topicArn, queuePrefix: "shop-http-" }) : undefined,
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
    // Unsubscribes and deletes this replica's queue; a replica killed without it is swept later.
    void config.close();
  });
}
