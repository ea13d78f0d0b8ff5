// The README's required install (ssm-config, @aws-sdk/client-ssm, zod) and nothing else: this
// app is type-checked under `moduleResolution: bundler`, bundled with esbuild, and run.
import { createConfig, memorySource, ssmSource } from "ssm-config";
import { json } from "ssm-config/zod";
import { z } from "zod";

const Config = z.object({
  db: z.object({ host: z.string(), port: z.coerce.number().int() }),
  stripe: json(z.object({ apiKey: z.string() })),
});

// Built, never loaded: the app has no AWS account; this keeps ssmSource and its client in the
// bundle so that the bundle shows what they pull in.
const fromSsm = createConfig({ schema: Config, sources: [ssmSource({ path: "/app/prod" })] });

const config = createConfig({
  schema: Config,
  sources: [
    memorySource({ "/db/host": "db.internal", "/db/port": "5432", "/stripe": '{"apiKey":"k"}' }),
  ],
});
const loaded = await config.load();
const port: number = loaded.db.port;
const apiKey: string = loaded.stripe.apiKey;
console.log(JSON.stringify({ host: loaded.db.host, port, apiKey, ssm: typeof fromSsm.load }));
await config.close();
await fromSsm.close();
