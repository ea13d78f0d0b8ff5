import { type } from "arktype";
import * as v from "valibot";
import { describe, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { z as z3 } from "zod3";
import * as root from "../../src/index.js";
import { type ConfigLoader, createConfig, memorySource } from "../../src/index.js";
import { json } from "../../src/zod.js";

describe("the root entry", () => {
  it("exports ConfigLoader as a type only: createConfig is the way to build one", () => {
    // @ts-expect-error: the class is exported with `export type`, so it is not a value here.
    new root.ConfigLoader();
  });

  it("does not export what lives in ssm-config/zod, /secrets-manager, /sqs and /sns", () => {
    // @ts-expect-error: json is in ssm-config/zod.
    root.json;
    // @ts-expect-error: secretsManagerSource is in ssm-config/secrets-manager.
    root.secretsManagerSource;
    // @ts-expect-error: describeSecretVersions is in ssm-config/secrets-manager.
    root.describeSecretVersions;
    // @ts-expect-error: sqsEventSource is in ssm-config/sqs.
    root.sqsEventSource;
    // @ts-expect-error: snsEventSource is in ssm-config/sns.
    root.snsEventSource;
  });
});

describe("json() from ssm-config/zod", () => {
  it("types its output as the inner schema's output, inside a zod object", () => {
    const Config = z.object({ stripe: json(z.object({ apiKey: z.string() })) });
    const config = createConfig({ schema: Config, sources: [memorySource()] });
    expectTypeOf(config.current.stripe).toEqualTypeOf<{ apiKey: string }>();
  });
});

describe("Standard Schema validators other than zod 4", () => {
  it("types current from a valibot schema's output", () => {
    const schema = v.object({ port: v.pipe(v.string(), v.transform(Number)) });
    const config = createConfig({ schema, sources: [memorySource()] });
    expectTypeOf(config).toEqualTypeOf<ConfigLoader<{ port: number }>>();
  });

  it("types current from an arktype schema's output", () => {
    const schema = type({ port: "string.integer.parse", "tags?": "string[]" });
    const config = createConfig({ schema, sources: [memorySource()] });
    expectTypeOf(config.current.port).toEqualTypeOf<number>();
    expectTypeOf(config.current.tags).toEqualTypeOf<string[] | undefined>();
  });

  it("types current from a zod 3 schema's output", () => {
    const schema = z3.object({ port: z3.coerce.number(), level: z3.enum(["debug", "info"]) });
    const config = createConfig({ schema, sources: [memorySource()] });
    expectTypeOf(config.current).toEqualTypeOf<{ port: number; level: "debug" | "info" }>();
  });
});
