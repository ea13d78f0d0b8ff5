import { type } from "arktype";
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { z as z3 } from "zod3";
import { ConfigValidationError, createConfig, memorySource } from "../../src/index.js";
import { closeAfterEach } from "../support/loaders.js";

/**
 * The Standard Schema path with validators other than zod 4: each one's output reaches `current`,
 * each one's issues become `ConfigValidationError` issues under the right keys, and a secret that
 * a validator echoes in its own message is scrubbed. (json() with zod 3 installed as `zod` is
 * checked by test/package, where zod 3 can be the only zod.)
 */

const track = closeAfterEach();

const SECRET = "s3cr3t-not-a-port";
const values = { "/db/host": "db.internal", "/db/port": "5432", "/origins": ["a", "b"] };
const failing = { "/db/host": "db.internal", "/db/port": SECRET };

async function validationError(promise: Promise<unknown>): Promise<ConfigValidationError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ConfigValidationError);
  return error as ConfigValidationError;
}

const validators = {
  valibot: v.object({
    db: v.object({
      host: v.string(),
      port: v.pipe(v.string(), v.regex(/^\d+$/), v.transform(Number)),
    }),
    origins: v.optional(v.array(v.string()), []),
  }),
  arktype: type({
    db: { host: "string", port: type("string.integer.parse") },
    "origins?": "string[]",
  }),
  "zod 3": z3.object({
    db: z3.object({ host: z3.string(), port: z3.string().regex(/^\d+$/).transform(Number) }),
    origins: z3.array(z3.string()).default([]),
  }),
};

describe.each(Object.entries(validators))("a %s schema", (_, schema) => {
  it("gives current the validator's output", async () => {
    const config = track(createConfig({ schema, sources: [memorySource(values)] }));
    const loaded = await config.load();
    expect(loaded.db).toEqual({ host: "db.internal", port: 5432 });
    expect(loaded.origins).toEqual(["a", "b"]);
  });

  it("reports its issues under the failing key without the secret it was given", async () => {
    const config = track(
      createConfig({ schema, sources: [memorySource(failing, { sensitive: ["/db/port"] })] }),
    );
    const error = await validationError(config.load());
    expect(error.issues.map((issue) => issue.key)).toEqual(["db.port"]);
    expect(error.issues[0]?.parameter).toBe("/db/port");
    expect(JSON.stringify(error.issues)).not.toContain(SECRET);
    expect(error.message).not.toContain(SECRET);
  });
});
