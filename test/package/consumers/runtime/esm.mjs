// Every entry point through `import`, with every peer installed.
const entries = JSON.parse(process.argv[2]);
const found = {};
for (const [entry, names] of Object.entries(entries)) {
  const module = await import(entry);
  found[entry] = names.filter((name) => module[name] === undefined);
}

const { createConfig, memorySource } = await import("ssm-config");
const { json } = await import("ssm-config/zod");
const { z } = await import("zod");
const config = createConfig({
  schema: z.object({ port: z.coerce.number(), stripe: json(z.object({ apiKey: z.string() })) }),
  sources: [memorySource({ "/port": "8080", "/stripe": '{"apiKey":"k"}' })],
});
const value = await config.load();
await config.close();

let deepImport = "allowed";
try {
  await import("ssm-config/dist/sources/memory.js");
} catch (error) {
  deepImport = error.code;
}
console.log(JSON.stringify({ missing: found, value, deepImport }));
