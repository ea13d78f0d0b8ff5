import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ConfigValidationError } from "../../src/errors/config-validation-error.js";
import { json } from "../../src/schema/json.js";
import type { StandardSchemaV1 } from "../../src/schema/standard-schema.js";
import { type ValidationContext, validateTree } from "../../src/schema/validate.js";
import { SecretScrubber, SensitiveString } from "../../src/sensitive.js";
import type { EntryValue, MissingParameter, ParameterEntry } from "../../src/sources/contract.js";

function entry(
  key: string,
  value: unknown,
  options: { sensitive?: boolean; segments?: string[]; parameter?: string } = {},
): ParameterEntry {
  const sensitive = options.sensitive ?? false;
  return {
    key,
    segments: options.segments ?? key.split("."),
    parameter: options.parameter ?? `/app/${key.replaceAll(".", "/")}`,
    value:
      sensitive && typeof value === "string" ? new SensitiveString(value) : (value as EntryValue),
    version: 1,
    type: sensitive ? "SecureString" : "String",
    sensitive,
  };
}

function contextOf(entries: ParameterEntry[], missing: MissingParameter[] = []): ValidationContext {
  const scrubber = new SecretScrubber();
  for (const item of entries)
    if (item.value instanceof SensitiveString) scrubber.add(item.value.reveal());
  return {
    entries: new Map(entries.map((item) => [item.key, item])),
    missing: new Map(missing.map((item) => [item.key, item])),
    scrubber,
  };
}

async function rejection(promise: Promise<unknown>): Promise<ConfigValidationError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigValidationError);
    return error as ConfigValidationError;
  }
  throw new Error("expected validation to fail");
}

/** A Standard Schema written by hand: `{ port: number-like string }` -> `{ port: number }`. */
const handWritten: StandardSchemaV1<unknown, { port: number }> = {
  "~standard": {
    version: 1,
    vendor: "hand-written",
    validate(value) {
      const port = (value as { port?: unknown } | undefined)?.port;
      if (typeof port === "string" && /^\d+$/.test(port)) return { value: { port: Number(port) } };
      return { issues: [{ message: "port must be digits", path: [{ key: "port" }] }] };
    },
  },
};

describe("validateTree succeeds", () => {
  it("resolves with a zod schema's output", async () => {
    // Prepare
    const schema = z.object({ db: z.object({ port: z.coerce.number() }) });
    const context = contextOf([entry("db.port", "5432")]);

    // Act
    const output = await validateTree(schema, { db: { port: "5432" } }, context);

    // Assess
    expect(output).toEqual({ db: { port: 5432 } });
  });

  it("resolves with a hand-written Standard Schema's output", async () => {
    // Prepare
    const context = contextOf([entry("port", "8080")]);

    // Act
    const output = await validateTree(handWritten, { port: "8080" }, context);

    // Assess
    expect(output).toEqual({ port: 8080 });
  });

  it("awaits a schema that validates asynchronously", async () => {
    // Prepare
    const schema = z.object({ name: z.string().refine(async (value) => value.length > 0) });

    // Act
    const output = await validateTree(schema, { name: "x" }, contextOf([entry("name", "x")]));

    // Assess
    expect(output).toEqual({ name: "x" });
  });
});

describe("validateTree fails with one ConfigValidationError", () => {
  it("listing every failing key at once", async () => {
    // Prepare
    const schema = z.object({ port: z.coerce.number().int(), level: z.enum(["debug", "info"]) });
    const context = contextOf([entry("port", "abc"), entry("level", "loud")]);

    // Act
    const error = await rejection(validateTree(schema, { port: "abc", level: "loud" }, context));

    // Assess
    expect(error.issues.map((issue) => issue.key)).toEqual(["port", "level"]);
  });

  it("naming the parameter behind each key", async () => {
    // Prepare
    const schema = z.object({ db: z.object({ port: z.coerce.number().int() }) });
    const context = contextOf([entry("db.port", "x", { parameter: "/shared/db/port:stable" })]);

    // Act
    const error = await rejection(validateTree(schema, { db: { port: "x" } }, context));

    // Assess
    expect(error.issues).toEqual([
      { key: "db.port", parameter: "/shared/db/port:stable", message: expect.any(String) },
    ]);
  });

  it("tying an issue inside a value to the entry that is the longest prefix of its path", async () => {
    // Prepare
    const schema = z.object({ stripe: json(z.object({ apiKey: z.string() })) });
    const context = contextOf([entry("stripe", '{"apiKey":42}')]);

    // Act
    const error = await rejection(validateTree(schema, { stripe: '{"apiKey":42}' }, context));

    // Assess
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]?.key).toBe("stripe");
    expect(error.issues[0]?.parameter).toBe("/app/stripe");
    expect(error.issues[0]?.message).toMatch(/^at apiKey: /);
  });

  it("matching an entry whose segment contains a dot by its segments", async () => {
    // Prepare
    const schema = z.object({ db: z.object({ "max.conn": z.coerce.number().int() }) });
    const dotted = entry("db.max.conn", "many", {
      segments: ["db", "max.conn"],
      parameter: "/app/db/max.conn",
    });

    // Act
    const error = await rejection(
      validateTree(schema, { db: { "max.conn": "many" } }, contextOf([dotted])),
    );

    // Assess
    expect(error.issues[0]).toMatchObject({ key: "db.max.conn", parameter: "/app/db/max.conn" });
  });

  it("keeping the path as key, without parameter, for a key no entry holds", async () => {
    // Prepare
    const schema = z.object({ level: z.enum(["debug", "info"]) });

    // Act
    const error = await rejection(validateTree(schema, {}, contextOf([])));

    // Assess
    expect(error.issues).toEqual([{ key: "level", message: expect.any(String) }]);
  });

  it("saying a missing bound parameter was not found, and naming it", async () => {
    // Prepare
    const schema = z.object({ stripe: z.string() });
    const missing = [
      { key: "stripe", segments: ["stripe"], parameter: "/aws/reference/secretsmanager/stripe" },
    ];

    // Act
    const error = await rejection(validateTree(schema, {}, contextOf([], missing)));

    // Assess
    expect(error.issues[0]?.parameter).toBe("/aws/reference/secretsmanager/stripe");
    expect(error.issues[0]?.message).toMatch(
      /parameter "\/aws\/reference\/secretsmanager\/stripe" was not found/,
    );
  });

  it("scrubbing a secret that the schema's own message echoes", async () => {
    // Prepare
    const schema = z.object({
      password: z.string().min(64, { error: (issue) => `too short: ${String(issue.input)}` }),
    });
    const context = contextOf([entry("password", "hunter22-secret", { sensitive: true })]);

    // Act
    const error = await rejection(validateTree(schema, { password: "hunter22-secret" }, context));

    // Assess
    expect(error.issues[0]?.message).toBe("too short: [REDACTED]");
    expect(error.message).not.toContain("hunter22-secret");
  });

  it("scrubbing a secret that the schema's message echoes JSON-quoted", async () => {
    // Prepare
    const secret = 'q"uoted-secret';
    const schema = z.object({
      password: z.string().min(64, { error: (issue) => `got ${JSON.stringify(issue.input)}` }),
    });
    const context = contextOf([entry("password", secret, { sensitive: true })]);

    // Act
    const error = await rejection(validateTree(schema, { password: secret }, context));

    // Assess
    expect(error.message).not.toContain("uoted-secret");
  });

  it("reporting a schema that throws as an issue, scrubbed", async () => {
    // Prepare
    const throwing: StandardSchemaV1<unknown, unknown> = {
      "~standard": {
        version: 1,
        vendor: "hand-written",
        validate() {
          throw new Error("cannot handle hunter22-secret");
        },
      },
    };
    const context = contextOf([entry("password", "hunter22-secret", { sensitive: true })]);

    // Act
    const error = await rejection(validateTree(throwing, { password: "hunter22-secret" }, context));

    // Assess
    expect(error.issues).toEqual([
      { key: "", message: "The schema threw: cannot handle [REDACTED]" },
    ]);
  });

  it("reading the issues of a hand-written Standard Schema, path segments included", async () => {
    // Prepare
    const context = contextOf([entry("port", "http")]);

    // Act
    const error = await rejection(validateTree(handWritten, { port: "http" }, context));

    // Assess
    expect(error.issues).toEqual([
      { key: "port", parameter: "/app/port", message: "port must be digits" },
    ]);
  });

  it('named "ConfigValidationError", with a frozen issues array', async () => {
    // Prepare
    const schema = z.object({ port: z.number() });

    // Act
    const error = await rejection(validateTree(schema, {}, contextOf([])));

    // Assess
    expect(error.name).toBe("ConfigValidationError");
    expect(Object.isFrozen(error.issues)).toBe(true);
    expect(Object.isFrozen(error.issues[0])).toBe(true);
  });
});

describe("json()", () => {
  const Stripe = z.object({ stripe: json(z.object({ apiKey: z.string() })) });

  it("parses a JSON string, then validates it", () => {
    // Act
    const result = Stripe.safeParse({ stripe: '{"apiKey":"sk_1"}' });

    // Assess
    expect(result.success && result.data).toEqual({ stripe: { apiKey: "sk_1" } });
  });

  it("validates an already-parsed object as it is", () => {
    // Act
    const result = Stripe.safeParse({ stripe: { apiKey: "sk_1" } });

    // Assess
    expect(result.success && result.data).toEqual({ stripe: { apiKey: "sk_1" } });
  });

  it("reports invalid JSON at the key, without echoing the text", () => {
    // Prepare
    const text = '{"apiKey": sk_live_unquoted';

    // Act
    const result = Stripe.safeParse({ stripe: text });

    // Assess
    expect(result.success).toBe(false);
    expect(result.error?.issues).toHaveLength(1);
    expect(result.error?.issues[0]?.path).toEqual(["stripe"]);
    expect(result.error?.issues[0]?.message).toMatch(/Invalid JSON/);
    expect(JSON.stringify(result.error?.issues)).not.toContain("sk_live_unquoted");
  });

  it("stops at invalid JSON instead of also validating the inner schema", () => {
    // Act
    const result = Stripe.safeParse({ stripe: "not json" });

    // Assess
    expect(result.error?.issues.map((issue) => issue.message)).toEqual([
      "Invalid JSON: the value is not a valid JSON document",
    ]);
  });
});

/** A Standard Schema that always fails with the given raw result, as a buggy validator might. */
function failingWith(result: unknown): StandardSchemaV1<unknown, unknown> {
  return {
    "~standard": {
      version: 1,
      vendor: "buggy",
      validate: () => result as StandardSchemaV1.Result<unknown>,
    },
  };
}

describe("validateTree survives a malformed Standard Schema result", () => {
  const context = contextOf([entry("db.port", "x")]);
  const throwingGetter = {
    get message(): string {
      throw new Error("getter exploded");
    },
  };
  const cases: Array<[string, unknown]> = [
    ["an issue with message undefined", { issues: [{ message: undefined, path: ["db", "port"] }] }],
    ["an issue whose message is an object", { issues: [{ message: { text: "x" } }] }],
    ["an issue whose path is not an array", { issues: [{ message: "bad", path: "db.port" }] }],
    [
      "path segments as { key } objects",
      { issues: [{ message: "bad", path: [{ key: "db" }, { key: "port" }] }] },
    ],
    [
      "a path segment that is a symbol or null",
      { issues: [{ message: "bad", path: [Symbol("s"), null] }] },
    ],
    ["an issue that is null", { issues: [null] }],
    ["an issue whose getter throws", { issues: [throwingGetter] }],
    ["issues that are not an array", { issues: "broken" }],
    ["an empty issues array", { issues: [] }],
    ["a result that is null", null],
    ["a result that is a number", 42],
  ];
  for (const [what, result] of cases) {
    it(`rejects with a ConfigValidationError for ${what}`, async () => {
      // Act
      const error = await rejection(validateTree(failingWith(result), {}, context));

      // Assess
      expect(error.issues.length).toBeGreaterThan(0);
      for (const issue of error.issues) expect(typeof issue.message).toBe("string");
    });
  }

  it("still ties a { key } path to its entry and parameter", async () => {
    // Act
    const error = await rejection(
      validateTree(
        failingWith({ issues: [{ message: undefined, path: [{ key: "db" }, { key: "port" }] }] }),
        {},
        context,
      ),
    );

    // Assess
    expect(error.issues).toEqual([
      {
        key: "db.port",
        parameter: "/app/db/port",
        message: "The schema reported an issue without a message.",
      },
    ]);
  });

  it("reports a schema that throws a value String() cannot print", async () => {
    // Prepare
    const schema: StandardSchemaV1<unknown, unknown> = {
      "~standard": {
        version: 1,
        vendor: "buggy",
        validate: () => {
          throw Object.create(null);
        },
      },
    };

    // Act
    const error = await rejection(validateTree(schema, {}, context));

    // Assess
    expect(error.issues[0]?.message).toMatch(/^The schema threw/);
  });
});

describe("validateTree keeps a JSON secret's keys out of issues", () => {
  const secret = JSON.stringify({ apiKey: "sk_live_abcdef", "tenant-4711": "t" });
  const context = contextOf([entry("stripe", secret, { sensitive: true })]);

  it("hides a key the secret holds in the issue's path, and in zod's Unrecognized key message", async () => {
    // Prepare
    const schema = z.object({ stripe: json(z.strictObject({ apiKey: z.number() })) });

    // Act
    const error = await rejection(validateTree(schema, { stripe: secret }, context));

    // Assess
    const text = JSON.stringify(error.issues) + error.message;
    expect(text).not.toContain("tenant-4711");
    expect(text).not.toContain("sk_live_abcdef");
    expect(error.issues.map((issue) => issue.key)).toEqual(["stripe", "stripe"]);
  });

  it("hides a record key of a secret", async () => {
    // Prepare
    const schema = z.object({
      stripe: json(z.record(z.string().regex(/^api/), z.string())),
    });

    // Act
    const error = await rejection(validateTree(schema, { stripe: secret }, context));

    // Assess
    expect(JSON.stringify(error.issues)).not.toContain("tenant-4711");
  });

  it("still names a key the schema asks for and the secret lacks", async () => {
    // Prepare
    const schema = z.object({ stripe: json(z.object({ webhookSecret: z.string() })) });

    // Act
    const error = await rejection(validateTree(schema, { stripe: secret }, context));

    // Assess
    expect(error.issues[0]?.message).toMatch(/^at webhookSecret: /);
  });
});
