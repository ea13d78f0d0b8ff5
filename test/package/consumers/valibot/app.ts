// valibot instead of zod, and zod not installed at all: the root entry must not need it.
import { createConfig, memorySource } from "ssm-config";
import * as v from "valibot";

let zod = "installed";
try {
  await import(["zod"].join(""));
} catch {
  zod = "absent";
}

const Config = v.object({
  db: v.object({ host: v.string(), port: v.pipe(v.string(), v.transform(Number), v.integer()) }),
  origins: v.array(v.string()),
});
const config = createConfig({
  schema: Config,
  sources: [memorySource({ "/db/host": "h", "/db/port": "5432", "/origins": ["a", "b"] })],
});
const loaded = await config.load();
const port: number = loaded.db.port;
const origins: readonly string[] = loaded.origins;

const failing = createConfig({ schema: Config, sources: [memorySource({ "/db/host": "h" })] });
const issues = await failing.load().then(
  () => [],
  (error: { issues?: { key: string }[] }) => (error.issues ?? []).map((issue) => issue.key),
);
await config.close();
await failing.close();
console.log(JSON.stringify({ zod, port, origins, issues }));
