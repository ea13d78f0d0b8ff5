// An ESM TypeScript app under `module: nodenext`, strict, skipLibCheck false, with the README's
// required install.
import { SSMClient } from "@aws-sdk/client-ssm";
import {
  type Change,
  ConfigLoadError,
  type ConfigLoader,
  ConfigValidationError,
  createConfig,
  isConfigError,
  memorySource,
  ssmSource,
} from "ssm-config";
import { json } from "ssm-config/zod";
import { z } from "zod";

const Config = z.object({
  db: z.object({ host: z.string(), port: z.coerce.number().int() }),
  stripe: json(z.object({ apiKey: z.string() })),
  level: z.enum(["debug", "info"]).default("info"),
});
type Config = z.output<typeof Config>;

const unused: ConfigLoader<Config> = createConfig({
  schema: Config,
  sources: [ssmSource({ client: new SSMClient({ region: "eu-west-1" }), path: "/app/prod" })],
});

const config: ConfigLoader<Config> = createConfig({
  schema: Config,
  sources: [memorySource({ "/db/host": "h", "/db/port": "5432", "/stripe": '{"apiKey":"k"}' })],
});
config.on("change", ({ changes }: { changes: readonly Change[] }) => console.log(changes.length));
try {
  const loaded = await config.load();
  const apiKey: string = loaded.stripe.apiKey;
  const level: "debug" | "info" = loaded.level;
  console.log(JSON.stringify({ port: loaded.db.port, apiKey, level }));
} catch (error) {
  if (error instanceof ConfigValidationError || error instanceof ConfigLoadError) throw error;
  console.log(isConfigError(error));
} finally {
  await config.close();
  await unused.close();
}
