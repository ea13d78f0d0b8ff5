// A CommonJS TypeScript module under `module: nodenext`: its imports compile to require(), which
// loads the ESM package on Node >= 20.19.
import { createConfig, memorySource } from "ssm-config";
import { json } from "ssm-config/zod";
import { z } from "zod";

const config = createConfig({
  schema: z.object({ stripe: json(z.object({ apiKey: z.string() })) }),
  sources: [memorySource({ "/stripe": '{"apiKey":"k"}' })],
});
config.load().then(async (loaded) => {
  const apiKey: string = loaded.stripe.apiKey;
  await config.close();
  console.log(JSON.stringify({ apiKey }));
});
