/**
 * `npm start`: load a typed config, change a value, watch it hot-reload.
 *
 * With no AWS endpoint configured it runs on an embedded in-memory store. With AWS_ENDPOINT_URL
 * set (e.g. a local moto_server) it seeds and uses Parameter Store and Secrets Manager there, and
 * delivers the change the way AWS does: as a "Parameter Store Change" event.
 */
import "./quiet-sdk.js";
import { type ConfigSource, createConfig, memorySource } from "ssm-config";
import { json } from "ssm-config/zod";
import { z } from "zod";

const Config = z.object({
  db: z.object({
    host: z.string(),
    port: z.coerce.number().int(),
    password: z.string().min(8),
  }),
  features: z.object({
    newCheckout: z.stringbool().default(false),
    searchV2: z.stringbool().default(false),
  }),
  cors: z.object({ origins: z.array(z.string().url()) }),
  stripe: json(z.object({ apiKey: z.string(), webhookSecret: z.string() })),
  log: z.object({ level: z.enum(["debug", "info", "warn"]).default("info") }),
});

const endpoint = process.env.AWS_ENDPOINT_URL;
const say = (text: string) => process.stdout.write(`${text}\n`);

async function main(): Promise<void> {
  const backend = endpoint
    ? await import("./aws-backend.js").then((m) => m.awsBackend(endpoint))
    : embeddedBackend();
  say(`ssm-config demo: ${backend.description}\n`);

  const config = createConfig({ schema: Config, sources: backend.sources });
  const initial = await config.load();
  say("Loaded configuration (redacted, safe to log):");
  say(JSON.stringify(config.redacted(), null, 2));
  say(
    `\nTyped access: db.host=${initial.db.host} db.port=${initial.db.port} newCheckout=${initial.features.newCheckout}`,
  );

  const reloaded = new Promise<void>((resolve) => {
    config.once("change", ({ changes, revision, current }) => {
      say(`\nHot reload -> revision ${revision}`);
      for (const change of changes) {
        say(
          `  ${change.kind} ${change.key} (${change.parameter}) v${change.previousVersion ?? "-"} -> v${change.version ?? "-"}`,
        );
      }
      say(`  features.newCheckout is now ${current.features.newCheckout}`);
      resolve();
    });
  });

  say("\nFlipping the feature flag features.newCheckout to true ...");
  await backend.flipFeatureFlag(config);
  await Promise.race([
    reloaded,
    new Promise((_, reject) =>
      setTimeout(() => reject(new Error("no change event within 10 s")), 10_000).unref(),
    ),
  ]);

  await config.close();
  await backend.close?.();
  say("\nDone: config closed, nothing left running.");
}

interface DemoBackend {
  description: string;
  sources: ConfigSource[];
  flipFeatureFlag(config: { handleEvent(event: unknown): Promise<unknown> }): Promise<void>;
  close?(): Promise<void>;
}

/** A realistic service config in an in-process store: no AWS needed. */
function embeddedBackend(): DemoBackend {
  const store = memorySource(
    {
      "/db/host": "orders-db.internal",
      "/db/port": "5432",
      "/db/password": "s3cr3t-demo-password",
      "/features/newCheckout": "false",
      "/features/searchV2": "true",
      "/cors/origins": ["https://shop.example.com", "https://admin.example.com"],
      "/stripe": JSON.stringify({ apiKey: "sk_test_demo_123", webhookSecret: "whsec_demo_456" }),
      "/log/level": "info",
    },
    { sensitive: ["/db/password", "/stripe"] },
  );
  return {
    description: "embedded in-memory store (set AWS_ENDPOINT_URL to use Parameter Store)",
    sources: [store],
    async flipFeatureFlag() {
      store.set("/features/newCheckout", "true");
    },
  };
}

main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
