import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { isConfigError } from "../../src/errors/config-error.js";
import {
  ConfigLoadError,
  type ConfigSource,
  ConfigValidationError,
  createConfig,
  EventFormatError,
  memorySource,
  ssmSource,
} from "../../src/index.js";
import { json } from "../../src/zod.js";
import { awsClients, describeMoto, putParameter, uniquePath } from "../support/aws.js";
import { parameterChangeEvent, secretApiCallEvent } from "../support/events.js";
import { HOSTILE_ACCEPTED, HOSTILE_REJECTED } from "../support/hostile-events.js";
import { closeAfterEach } from "../support/loaders.js";
import { failOnUnhandledRejections } from "./harness.js";

failOnUnhandledRejections();
const track = closeAfterEach();

/** A memory source that counts how often the loader asks it for anything after the first load. */
function countingMemory(initial: Record<string, string | string[]>) {
  const inner = memorySource(initial);
  const calls = { refresh: 0, applyNotices: 0 };
  const source: ConfigSource = {
    description: "counting memory",
    load: (context) => inner.load(context),
    refresh: (previous, context) => {
      calls.refresh++;
      return inner.refresh(previous, context);
    },
    shareOf: (notice, previous) => inner.shareOf?.(notice, previous),
    applyNotices: (previous, shares, context) => {
      calls.applyNotices++;
      return inner.applyNotices?.(previous, shares, context) ?? inner.refresh(previous, context);
    },
  };
  return { inner, source, calls };
}

function assertPrototypesClean(): void {
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain("polluted");
  expect(Object.isFrozen(Object.prototype)).toBe(false);
  expect(Object.isFrozen(Array.prototype)).toBe(false);
}

const ssmChange = (detail: unknown) => ({
  "detail-type": "Parameter Store Change",
  source: "aws.ssm",
  detail,
});
const deeplyQuoted = (levels: number) => {
  let body: unknown = parameterChangeEvent("/a");
  for (let level = 0; level < levels; level++) body = JSON.stringify(body);
  return body;
};
const deeplyNested = (levels: number) => {
  let body: unknown = parameterChangeEvent("/a");
  for (let level = 0; level < levels; level++) body = [body];
  return body;
};
const circularArray: unknown[] = [];
circularArray.push(circularArray);
const circularEvent: Record<string, unknown> = {
  "detail-type": "Parameter Store Change",
  source: "aws.ssm",
};
circularEvent.detail = circularEvent;

/** Every malformed shape tried: each rejects with EventFormatError and changes nothing. */
const MALFORMED: Array<[string, unknown]> = [
  ["null", null],
  ["undefined", undefined],
  ["a number", 42],
  ["a boolean", true],
  ["a bigint", 10n],
  ["a function", () => undefined],
  ["an empty string", ""],
  ["text that is not JSON", "not json"],
  ["truncated JSON", '{"detail-type":"Parameter Store Change"'],
  ["JSON of a number", "1"],
  ["JSON null", "null"],
  ["an array holding a non-event", [1]],
  ["an empty object", {}],
  ["an unrelated object", { hello: "world" }],
  ["a non-string detail-type", { "detail-type": 5, source: "aws.ssm", detail: {} }],
  ["an SSM event without detail", { "detail-type": "Parameter Store Change", source: "aws.ssm" }],
  ["an SSM event whose detail is a string", ssmChange("x")],
  ["an SSM event whose detail is an array", ssmChange([])],
  ["an SSM event whose detail is null", ssmChange(null)],
  ["a change without name or operation", ssmChange({})],
  ["a change whose name is not a string", ssmChange({ name: 5, operation: "Update" })],
  ["a change whose name is empty", ssmChange({ name: "", operation: "Update" })],
  ["a change without operation", ssmChange({ name: "/a" })],
  ["a change whose operation is not a string", ssmChange({ name: "/a", operation: {} })],
  [
    "a policy action without policy-type",
    {
      "detail-type": "Parameter Store Policy Action",
      source: "aws.ssm",
      detail: { "parameter-name": "/a" },
    },
  ],
  [
    "a policy action without parameter-name",
    {
      "detail-type": "Parameter Store Policy Action",
      source: "aws.ssm",
      detail: { "policy-type": "Expiration" },
    },
  ],
  [
    "a secret API call naming no secret",
    {
      "detail-type": "AWS API Call via CloudTrail",
      source: "aws.secretsmanager",
      detail: { eventName: "PutSecretValue", requestParameters: {}, responseElements: null },
    },
  ],
  [
    "a Secret Label Updated event without name",
    { "detail-type": "Secret Label Updated", source: "aws.secretsmanager", detail: {} },
  ],
  [
    "a RotationSucceeded event without SecretId",
    {
      "detail-type": "AWS Service Event via CloudTrail",
      source: "aws.secretsmanager",
      detail: { eventName: "RotationSucceeded", additionalEventData: {} },
    },
  ],
  ["Records that is not an array", { Records: "x" }],
  ["Records holding null", { Records: [null] }],
  ["a record whose body is not a string", { Records: [{ body: 5 }] }],
  ["a record whose body is not JSON", { Records: [{ body: "{oops" }] }],
  ["an SNS record without Message", { Records: [{ Sns: {} }] }],
  ["an SNS notification whose Message is not JSON", { Type: "Notification", Message: "nope" }],
  ["an SNS notification whose Message is not a string", { Type: "Notification", Message: 5 }],
  ["an SQS body quoted 8 times (too deep)", deeplyQuoted(8)],
  ["an event nested in 10 arrays (too deep)", deeplyNested(10)],
  ["an array nesting itself", circularArray],
  ["an event whose detail is itself", circularEvent],
  ["1 MB of garbage", "x".repeat(1_000_000)],
  ["a valid event next to a malformed one", [parameterChangeEvent("/a"), { nope: true }]],
];

/** Well-formed input about nothing this config holds: resolves to [] and makes no call. */
const HARMLESS: Array<[string, unknown]> = [
  ["JSON of an empty array", "[]"],
  ["an empty array", []],
  ["a Lambda event with no records", { Records: [] }],
  ["an event from another service", { "detail-type": "EC2 State", source: "aws.ec2", detail: {} }],
  ["an unknown SSM detail-type", { "detail-type": "Other", source: "aws.ssm", detail: {} }],
  [
    "an SNS subscription confirmation",
    { Type: "SubscriptionConfirmation", Message: "You have chosen to subscribe" },
  ],
  ["a read-only secret API call", secretApiCallEvent("GetSecretValue", "prod/db")],
  ["a change to a name not in use", parameterChangeEvent("/elsewhere/x")],
];

describe("malformed events", () => {
  async function loaded() {
    const memory = countingMemory({ "/a": "1", "/b": "2" });
    const config = track(
      createConfig({ schema: z.record(z.string(), z.string()), sources: [memory.source] }),
    );
    await config.load();
    return { config, calls: memory.calls };
  }

  it.each(MALFORMED)("rejects %s with an EventFormatError and changes nothing", async (_, bad) => {
    const { config, calls } = await loaded();
    const before = config.current;

    const error = await config.handleEvent(bad).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(EventFormatError);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message.length).toBeLessThan(300);
    expect(config.current).toBe(before);
    expect(config.revision).toBe(1);
    expect(calls).toEqual({ refresh: 0, applyNotices: 0 });
  });

  it.each(HARMLESS)("resolves %s to [] without reading anything", async (_, event) => {
    const { config, calls } = await loaded();
    const before = config.current;

    expect(await config.handleEvent(event)).toEqual([]);
    expect(config.current).toBe(before);
    expect(calls).toEqual({ refresh: 0, applyNotices: 0 });
  });

  it.each(HOSTILE_REJECTED)(
    "rejects %s with an EventFormatError, runs none of its getters or methods, and changes nothing",
    async (_, make) => {
      const { config, calls } = await loaded();
      const before = config.current;
      const { input, ran } = make();

      const error = await config.handleEvent(input).catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(EventFormatError);
      expect(error).toBeInstanceOf(TypeError);
      expect(isConfigError(error)).toBe(true);
      expect((error as Error).message.length).toBeLessThan(300);
      expect(ran()).toBe(0);
      expect(config.current).toBe(before);
      expect(config.revision).toBe(1);
      expect(calls).toEqual({ refresh: 0, applyNotices: 0 });
    },
  );

  it.each(HOSTILE_ACCEPTED)("reads %s as plain data and runs none of its code", async (_, make) => {
    const { config } = await loaded();
    const before = config.current;
    const { input, ran } = make();

    expect(await config.handleEvent(input)).toEqual([]);
    expect(ran()).toBe(0);
    expect(config.current).toBe(before);
  });

  it("accepts an event whose JSON carries a __proto__ key, without touching Object.prototype", async () => {
    const { config } = await loaded();
    const body = `{"__proto__":{"polluted":"yes"},"detail-type":"Parameter Store Change","source":"aws.ssm","detail":{"name":"/a","operation":"Update","__proto__":{"polluted":"yes"}}}`;

    expect(await config.handleEvent(body)).toEqual([]);
    expect(await config.handleEvent({ Records: [{ body }] })).toEqual([]);
    assertPrototypesClean();
  });
});

describe("json() given invalid JSON", () => {
  const Schema = z.object({ stripe: json(z.object({ apiKey: z.string() })) });

  it.each([
    ["plain", {}],
    ["sensitive", { sensitive: ["/stripe"] }],
  ])(
    "fails a %s value with an issue on its key that does not echo the text",
    async (_, options) => {
      const text = `{"apiKey": "sk_live_${randomUUID()}"`;
      const config = track(
        createConfig({ schema: Schema, sources: [memorySource({ "/stripe": text }, options)] }),
      );

      const error = await config.load().catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(ConfigValidationError);
      const { issues, message } = error as ConfigValidationError;
      expect(issues).toEqual([
        {
          key: "stripe",
          parameter: "/stripe",
          message: "Invalid JSON: the value is not a valid JSON document",
        },
      ]);
      expect(message).not.toContain("sk_live_");
    },
  );

  it("keeps the last good snapshot when a refresh brings invalid JSON, and reports it", async () => {
    const store = memorySource({ "/stripe": '{"apiKey":"one"}' });
    const config = track(createConfig({ schema: Schema, sources: [store] }));
    const loaded = await config.load();
    const errors: Error[] = [];
    config.on("error", (error) => errors.push(error));

    store.set("/stripe", "{broken");
    await expect(config.refresh()).rejects.toBeInstanceOf(ConfigValidationError);

    expect(errors.length).toBeGreaterThanOrEqual(1);
    expect(errors.every((error) => error instanceof ConfigValidationError)).toBe(true);
    expect(config.current).toBe(loaded);
  });
});

describeMoto("bad input through Parameter Store (moto)", () => {
  const { ssm } = awsClients();

  async function loadPath(root: string, schema: z.ZodType = z.any(), keyCase?: "camel") {
    const config = track(
      createConfig({ schema, sources: [ssmSource({ client: ssm, path: root, keyCase })] }),
    );
    return { config, value: await config.load() };
  }

  it("keeps the empty items of a StringList verbatim and lets the schema judge them", async () => {
    const root = uniquePath("list");
    await putParameter(ssm, `${root}/middle`, "a,,b", "StringList");
    await putParameter(ssm, `${root}/trailing`, "a,", "StringList");
    await putParameter(ssm, `${root}/only`, ",,", "StringList");

    const { value } = await loadPath(root);
    expect(value).toEqual({ middle: ["a", "", "b"], trailing: ["a", ""], only: ["", "", ""] });

    const strict = track(
      createConfig({
        schema: z.record(z.string(), z.array(z.string().min(1))),
        sources: [ssmSource({ client: ssm, path: root })],
      }),
    );
    const error = (await strict.load().catch((caught: unknown) => caught)) as ConfigValidationError;
    expect(error).toBeInstanceOf(ConfigValidationError);
    expect(error.issues.map((issue) => [issue.key, issue.parameter])).toEqual(
      expect.arrayContaining([
        ["middle", `${root}/middle`],
        ["trailing", `${root}/trailing`],
        ["only", `${root}/only`],
      ]),
    );
    expect(error.issues.find((issue) => issue.key === "middle")?.message).toMatch(/^at 1: /);
  });

  it("reads 8 KB advanced-tier values whole, by path, by name and as SecureString, and on refresh", async () => {
    const root = uniquePath("big");
    // 8,192 bytes: ASCII with multi-byte characters, so that no byte/character mix-up goes unseen.
    const big = (seed: string) =>
      `${seed}-${"é".repeat(2_000)}${"x".repeat(4_192 - seed.length - 1)}`;
    expect(Buffer.byteLength(big("v1"))).toBe(8_192);
    await putParameter(ssm, `${root}/plain`, big("v1"), "String", { Tier: "Advanced" });
    await putParameter(ssm, `${root}/secret`, big("s1"), "SecureString", { Tier: "Advanced" });
    const config = track(
      createConfig({
        schema: z.object({ plain: z.string(), secret: z.string(), bound: z.string() }),
        sources: [ssmSource({ client: ssm, path: root, parameters: { bound: `${root}/plain` } })],
      }),
    );

    const value = await config.load();
    expect(value).toEqual({ plain: big("v1"), secret: big("s1"), bound: big("v1") });
    await putParameter(ssm, `${root}/plain`, big("v2"), "String", { Tier: "Advanced" });
    await config.refresh();
    expect(config.current).toEqual({ plain: big("v2"), secret: big("s1"), bound: big("v2") });
  });

  it("reads a name at 15 levels by path and by binding; refuses 16 levels before any call", async () => {
    const root = uniquePath("deep");
    const levels = Array.from({ length: 14 }, (_, index) => `l${index}`);
    const deepName = `${root}/${levels.join("/")}`;
    expect(deepName.split("/").filter(Boolean)).toHaveLength(15);
    await putParameter(ssm, deepName, "deep");

    const { value } = await loadPath(root);
    let node: unknown = value;
    for (const level of levels) node = (node as Record<string, unknown>)[level];
    expect(node).toBe("deep");
    const bound = track(
      createConfig({
        schema: z.object({ deep: z.string() }),
        sources: [ssmSource({ client: ssm, parameters: { deep: deepName } })],
      }),
    );
    expect(await bound.load()).toEqual({ deep: "deep" });

    expect(() => ssmSource({ client: ssm, parameters: { x: `${deepName}/l15` } })).toThrow(
      /has 16 levels; Parameter Store allows 15/,
    );
    expect(() => ssmSource({ client: ssm, path: `${deepName}/l15` })).toThrow(ConfigLoadError);
  });

  it("reads a name at AWS's length limit (1,011 characters with its ARN); refuses 2,049 before any call", async () => {
    const root = uniquePath("long");
    // AWS counts the ARN prefix: "arn:aws:ssm:us-east-1:123456789012:parameter" is 44 characters.
    const name = `${root}/${"n".repeat(1_011 - 44 - root.length - 1)}`;
    expect(`arn:aws:ssm:us-east-1:123456789012:parameter${name}`).toHaveLength(1_011);
    await putParameter(ssm, name, "long");
    const config = track(
      createConfig({
        schema: z.object({ long: z.string() }),
        sources: [ssmSource({ client: ssm, parameters: { long: name } })],
      }),
    );

    expect(await config.load()).toEqual({ long: "long" });
    await putParameter(ssm, name, "longer");
    await config.refresh();
    expect(config.current).toEqual({ long: "longer" });
    const { value } = await loadPath(root);
    expect(Object.values(value as Record<string, string>)).toEqual(["longer"]);
    expect(() => ssmSource({ client: ssm, parameters: { x: `/${"n".repeat(2_048)}` } })).toThrow(
      /2049 characters long; Parameter Store allows 2048/,
    );
  });

  it("round-trips non-ASCII and unusual characters in String, SecureString and StringList values", async () => {
    const root = uniquePath("chars");
    const values = {
      accents: "héllo wörld ñ",
      cjk: "日本語の設定",
      emoji: "🚀🔥 👩‍👩‍👧",
      rtl: "\u202eabc مرحبا",
      combining: "e\u0301 a\u0308",
      zeroWidth: "a\u200bb\ufeff",
      controls: "line1\nline2\ttab\r",
      quotes: `"double" 'single' \`back\``,
      backslashes: "C:\\path\\to\\file \\n \\u0000",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal "${HOME}" is the point.
      templates: "${HOME} %s {{x}} $(whoami)",
      jsonish: '{"a":1}',
      spaces: "  padded  ",
    };
    for (const [key, value] of Object.entries(values)) {
      await putParameter(ssm, `${root}/plain/${key}`, value);
      await putParameter(ssm, `${root}/secure/${key}`, value, "SecureString");
    }
    await putParameter(ssm, `${root}/list`, "ü,日本,🚀,a b", "StringList");

    const { config, value } = await loadPath(root);

    expect(value).toEqual({ plain: values, secure: values, list: ["ü", "日本", "🚀", "a b"] });
    const redacted = config.redacted() as { secure: Record<string, string> };
    expect(Object.values(redacted.secure).every((item) => item === "[REDACTED]")).toBe(true);
  });

  it("refuses a binding with non-ASCII or reserved characters before any call", () => {
    for (const name of ["/app/ü", "/app/a b", "/app/a*b", "/app//b", "app/b", "/app/b/"]) {
      expect(() => ssmSource({ client: ssm, parameters: { x: name } }), name).toThrow(
        ConfigLoadError,
      );
    }
  });

  it("maps __proto__, constructor and prototype segments without reaching Object.prototype", async () => {
    const root = uniquePath("proto");
    await putParameter(ssm, `${root}/__proto__/polluted`, "yes");
    await putParameter(ssm, `${root}/constructor/prototype/polluted`, "yes");
    await putParameter(ssm, `${root}/prototype`, "p");
    await putParameter(ssm, `${root}/ok`, "ok");

    // z.any(): the tree as the library builds it, with own properties only.
    const { config, value } = await loadPath(root);
    const tree = value as Record<string, unknown>;
    expect(Object.getPrototypeOf(tree)).toBe(Object.prototype);
    expect(Object.keys(tree).sort()).toEqual(["__proto__", "constructor", "ok", "prototype"]);
    expect(Object.getOwnPropertyDescriptor(tree, "__proto__")?.value).toEqual({ polluted: "yes" });
    expect(JSON.parse(JSON.stringify(config.redacted()))).toEqual(
      JSON.parse(
        `{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"prototype":"p","ok":"ok"}`,
      ),
    );
    expect(Object.keys(config.versions()).sort()).toEqual([
      "__proto__.polluted",
      "constructor.prototype.polluted",
      "ok",
      "prototype",
    ]);
    // Refresh and events on those names work like any other.
    await putParameter(ssm, `${root}/__proto__/polluted`, "again");
    await config.handleEvent(parameterChangeEvent(`${root}/__proto__/polluted`));
    expect(Object.getOwnPropertyDescriptor(config.current, "__proto__")?.value as object).toEqual({
      polluted: "again",
    });
    assertPrototypesClean();

    // zod's record and loose object schemas drop a "__proto__" key; the rest comes through.
    for (const schema of [z.record(z.string(), z.unknown()), z.looseObject({ ok: z.string() })]) {
      const { value: parsed } = await loadPath(root, schema);
      expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
      expect(Object.keys(parsed as object).sort()).toEqual(["constructor", "ok", "prototype"]);
    }
    assertPrototypesClean();

    expect(() => ssmSource({ client: ssm, parameters: { "__proto__.x": `${root}/ok` } })).toThrow(
      /"__proto__", "constructor" and "prototype" are not allowed/,
    );
    expect(() => ssmSource({ client: ssm, parameters: { "a.constructor": `${root}/ok` } })).toThrow(
      ConfigLoadError,
    );
  });

  it("is a ConfigLoadError naming both when two names map to one key or a value is also a parent; a later value/parent clash fails the refresh", async () => {
    const camel = uniquePath("camel");
    await putParameter(ssm, `${camel}/max-conn`, "1");
    await putParameter(ssm, `${camel}/max_conn`, "2");
    const dotted = uniquePath("dotted");
    await putParameter(ssm, `${dotted}/a.b`, "1");
    await putParameter(ssm, `${dotted}/a/b`, "2");
    const parent = uniquePath("parent");
    await putParameter(ssm, `${parent}/db`, "x");
    await putParameter(ssm, `${parent}/db/host`, "y");

    for (const [root, keyCase, names] of [
      [camel, "camel", ["max-conn", "max_conn"]],
      [dotted, undefined, ["a.b", "a/b"]],
      [parent, undefined, ["db", "db/host"]],
    ] as const) {
      const error = await loadPath(root, z.any(), keyCase).catch((caught: unknown) => caught);
      expect(error, root).toBeInstanceOf(ConfigLoadError);
      for (const name of names) expect((error as Error).message).toContain(`${root}/${name}`);
    }

    // A value/parent clash appearing later fails the refresh and keeps the last good snapshot.
    // (Two names for one key appearing later is not detected: see docs/RELIABILITY.md, "Known".)
    const late = uniquePath("late");
    await putParameter(ssm, `${late}/db`, "x");
    const { config, value } = await loadPath(late);
    const errors: Error[] = [];
    config.on("error", (error) => errors.push(error));
    await putParameter(ssm, `${late}/db/host`, "y");
    await expect(config.refresh()).rejects.toBeInstanceOf(ConfigLoadError);
    expect(errors).toHaveLength(1);
    expect(config.current).toBe(value);
  });

  it("lets a binding take a key that the path also yields: the binding wins, no error", async () => {
    const root = uniquePath("override");
    await putParameter(ssm, `${root}/port`, "1");
    await putParameter(ssm, `${root}/other`, "2");
    const config = track(
      createConfig({
        schema: z.object({ port: z.string(), other: z.string() }),
        sources: [ssmSource({ client: ssm, path: root, parameters: { port: `${root}/other` } })],
      }),
    );

    expect(await config.load()).toEqual({ port: "2", other: "2" });
    expect(config.versions().port?.parameter).toBe(`${root}/other`);
  });
});
