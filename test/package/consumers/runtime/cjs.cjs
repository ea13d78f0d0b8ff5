// Every entry point through `require()` (Node >= 20.19 loads ESM this way), every peer installed.
const entries = JSON.parse(process.argv[2]);
const found = {};
for (const [entry, names] of Object.entries(entries)) {
  const module = require(entry);
  found[entry] = names.filter((name) => module[name] === undefined);
}

const { createConfig, memorySource } = require("ssm-config");
const { json } = require("ssm-config/zod");
const { z } = require("zod");
const config = createConfig({
  schema: z.object({ port: z.coerce.number(), stripe: json(z.object({ apiKey: z.string() })) }),
  sources: [memorySource({ "/port": "8080", "/stripe": '{"apiKey":"k"}' })],
});
config.load().then(async (value) => {
  await config.close();
  console.log(JSON.stringify({ missing: found, value }));
});
