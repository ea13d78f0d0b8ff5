// zod 3 (3.24 and later implement Standard Schema) with json() from ssm-config/zod.
import { createConfig, memorySource } from "ssm-config";
import { json } from "ssm-config/zod";
import { z } from "zod";

const Config = z.object({
  port: z.coerce.number().int(),
  stripe: json(z.object({ apiKey: z.string() })),
});
const config = createConfig({
  schema: Config,
  sources: [memorySource({ "/port": "8080", "/stripe": '{"apiKey":"k"}' })],
});
const loaded = await config.load();
const apiKey: string = loaded.stripe.apiKey;

const broken = createConfig({
  schema: Config,
  sources: [memorySource({ "/port": "8080", "/stripe": "not json" })],
});
const issues = await broken.load().then(
  () => [],
  (error: { issues?: { key: string; message: string }[] }) => error.issues ?? [],
);
await config.close();
await broken.close();
console.log(JSON.stringify({ port: loaded.port, apiKey, issues }));
