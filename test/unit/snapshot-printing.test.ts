import { format, inspect } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  type ChangeEvent,
  type ConfigLoader,
  ConfigValidationError,
  createConfig,
  memorySource,
  REDACTED,
} from "../../src/index.js";
import { ssmSource } from "../../src/sources/ssm/index.js";
import { json } from "../../src/zod.js";
import { FakeParameterStore, FakeSsmClient } from "../support/fake-ssm.js";

const PASSWORD = "hunter22-secret";
const ROTATED = "rotated-hunter-99";

const open: Array<ConfigLoader<unknown>> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((config) => config.close()));
});

function track<T>(config: ConfigLoader<T>): ConfigLoader<T> {
  open.push(config as ConfigLoader<unknown>);
  return config;
}

const Schema = z.object({
  db: z.object({ host: z.string(), password: z.string() }),
  origins: z.array(z.string()),
});

async function loadedWithChange() {
  const store = memorySource(
    { "/db/host": "db.internal", "/db/password": PASSWORD, "/origins": ["https://a.example"] },
    { sensitive: ["/db/password"] },
  );
  const config = track(createConfig({ schema: Schema, sources: [store] }));
  await config.load();
  const events: Array<ChangeEvent<z.output<typeof Schema>>> = [];
  config.on("change", (event) => events.push(event));
  store.set("/db/password", ROTATED);
  await config.refresh();
  const event = events[0];
  if (!event) throw new Error("expected a change event");
  return { config, event };
}

/** Every way a program commonly prints a value. */
function printings(value: unknown): string[] {
  return [
    inspect(value),
    inspect(value, { depth: null, showHidden: true }),
    format("%s %o %O %j", value, value, value, value),
    JSON.stringify(value),
    JSON.stringify({ wrapped: [value] }),
  ];
}

describe("a change event prints without its secrets", () => {
  it("shows neither the old nor the new SecureString through inspect, format or JSON", async () => {
    // Prepare
    const { event } = await loadedWithChange();

    // Act
    const printed = printings(event);

    // Assess
    for (const text of printed) {
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(ROTATED);
      expect(text).toContain(REDACTED);
      expect(text).toContain("db.internal");
    }
  });

  it("still gives each snapshot's values by property read", async () => {
    // Prepare
    const { config, event } = await loadedWithChange();

    // Act
    const values = [event.previous.db.password, event.current.db.password];

    // Assess
    expect(values).toEqual([PASSWORD, ROTATED]);
    expect(config.current).toBe(event.current);
  });
});

describe("a snapshot prints redacted and reads as it is", () => {
  it("prints config.current, a nested object and an array redacted", async () => {
    // Prepare
    const { config } = await loadedWithChange();

    // Act
    const printed = [
      ...printings(config.current),
      ...printings(config.current.db),
      inspect(config),
      JSON.stringify(config),
    ];

    // Assess
    for (const text of printed) expect(text).not.toContain(ROTATED);
    expect(JSON.parse(JSON.stringify(config.current.db))).toEqual({
      host: "db.internal",
      password: REDACTED,
    });
    expect(JSON.stringify(config.current.origins)).toBe('["https://a.example"]');
  });

  it("keeps Object.keys, entries and spreading as plain data with the real values", async () => {
    // Prepare
    const { config } = await loadedWithChange();

    // Act
    const keys = Object.keys(config.current.db);
    const spread = { ...config.current.db };
    const entries = Object.entries(config.current.db);

    // Assess
    expect(keys).toEqual(["host", "password"]);
    expect(spread).toEqual({ host: "db.internal", password: ROTATED });
    expect(entries).toEqual([
      ["host", "db.internal"],
      ["password", ROTATED],
    ]);
    expect(Object.isFrozen(config.current.db)).toBe(true);
  });

  it("lets structuredClone copy the real values into plain data", async () => {
    // Prepare
    const { config } = await loadedWithChange();

    // Act
    const clone = structuredClone(config.current);

    // Assess
    expect(clone).toEqual({
      db: { host: "db.internal", password: ROTATED },
      origins: ["https://a.example"],
    });
    expect(Object.getOwnPropertySymbols(clone)).toEqual([]);
  });

  it("keeps a schema key named toJSON as the schema's value", async () => {
    // Prepare
    const store = memorySource(
      { "/toJSON": "kept", "/password": PASSWORD },
      { sensitive: ["/password"] },
    );
    const config = track(
      createConfig({
        schema: z.object({ toJSON: z.string(), password: z.string() }),
        sources: [store],
      }),
    );

    // Act
    const loaded = await config.load();

    // Assess
    expect(loaded.toJSON).toBe("kept");
    expect(inspect(loaded)).not.toContain(PASSWORD);
  });
});

describe("consecutive snapshots share their unchanged branches", () => {
  const Shared = z.object({
    db: z.object({ host: z.string(), password: z.string() }),
    misc: z.object({ note: z.string() }),
    origins: z.array(z.string()),
  });

  async function loaded() {
    const store = memorySource(
      {
        "/db/host": "db.internal",
        "/db/password": PASSWORD,
        "/misc/note": ROTATED,
        "/origins": ["https://a.example"],
      },
      { sensitive: ["/db/password"] },
    );
    const config = track(createConfig({ schema: Shared, sources: [store] }));
    await config.load();
    const events: Array<ChangeEvent<z.output<typeof Shared>>> = [];
    config.on("change", (event) => events.push(event));
    return { store, config, events };
  }

  it("keeps the previous snapshot's objects where nothing under them changed", async () => {
    // Prepare
    const { store, config, events } = await loaded();
    const before = config.current;

    // Act
    store.set("/origins", ["https://b.example"]);
    await config.refresh();

    // Assess
    const after = config.current;
    expect(events).toHaveLength(1);
    expect(after).not.toBe(before);
    expect(after.db).toBe(before.db);
    expect(after.misc).toBe(before.misc);
    expect(after.origins).toEqual(["https://b.example"]);
    expect(Object.isFrozen(after) && Object.isFrozen(after.origins)).toBe(true);
    expect(JSON.parse(JSON.stringify(after.db))).toEqual({
      host: "db.internal",
      password: REDACTED,
    });
    expect(JSON.stringify(after)).not.toContain(PASSWORD);
    expect(inspect(after.db)).not.toContain(PASSWORD);
  });

  it("redacts, after a rotation, a plain value equal to the new secret in an untouched branch", async () => {
    // Prepare: /misc/note holds, in the clear, what will become the password.
    const { store, config } = await loaded();
    const before = config.current;
    expect(JSON.stringify(before.misc)).toContain(ROTATED);

    // Act
    store.set("/db/password", ROTATED);
    await config.refresh();

    // Assess
    const after = config.current;
    expect(after.misc).toEqual({ note: ROTATED });
    for (const text of [...printings(after.misc), ...printings(after)]) {
      expect(text).not.toContain(ROTATED);
      expect(text).not.toContain(PASSWORD);
    }
    for (const text of printings(before)) expect(text).not.toContain(PASSWORD);
  });
});

describe("redaction follows secrets that the schema reshapes", () => {
  it("redacts a numeric SecureString coerced to a number and moved to another key", async () => {
    // Prepare
    const store = memorySource({ "/pin": "004217", "/port": "5432" }, { sensitive: ["/pin"] });
    const Moved = z
      .object({ pin: z.coerce.number(), port: z.coerce.number() })
      .transform(({ pin, port }) => ({ unlock: { code: pin }, port }));
    const config = track(createConfig({ schema: Moved, sources: [store] }));
    const loaded = await config.load();

    // Act
    const redacted = config.redacted();
    const printed = [JSON.stringify(config), inspect(loaded), JSON.stringify(redacted)];

    // Assess
    expect(loaded.unlock.code).toBe(4217);
    expect(redacted).toEqual({ unlock: { code: REDACTED }, port: 5432 });
    for (const text of printed) expect(text).not.toContain("4217");
  });

  it("redacts a boolean, a bigint and a date that a SecureString coerces to", async () => {
    // Prepare
    const store = memorySource(
      { "/flag": "yes", "/big": "123456789012345678901", "/when": "2031-05-06T07:08:09Z" },
      { sensitive: ["/flag", "/big", "/when"] },
    );
    const Moved = z
      .object({ flag: z.stringbool(), big: z.coerce.bigint(), when: z.coerce.date() })
      .transform((value) => ({ moved: value }));
    const config = track(createConfig({ schema: Moved, sources: [store] }));
    await config.load();

    // Act
    const redacted = config.redacted();

    // Assess
    expect(redacted).toEqual({ moved: { flag: REDACTED, big: REDACTED, when: REDACTED } });
  });

  it("redacts the fields of a JSON secret moved out from under its key", async () => {
    // Prepare
    const secret = JSON.stringify({
      apiKey: "sk_live_abcdef",
      port: 6543,
      inner: '{"t":"tok-xyz1"}',
    });
    const store = memorySource({ "/stripe": secret }, { sensitive: ["/stripe"] });
    const Moved = z
      .object({
        stripe: json(z.object({ apiKey: z.string(), port: z.number(), inner: z.string() })),
      })
      .transform(({ stripe }) => ({
        key: stripe.apiKey.toUpperCase(),
        port: stripe.port,
        token: (JSON.parse(stripe.inner) as { t: string }).t,
      }));
    const config = track(createConfig({ schema: Moved, sources: [store] }));
    await config.load();

    // Act
    const redacted = config.redacted();

    // Assess
    expect(redacted).toEqual({ key: REDACTED, port: REDACTED, token: REDACTED });
  });
});

describe("deep structures", () => {
  it("loads, redacts and prints a JSON secret nested 20,000 levels deep", async () => {
    // Prepare
    const depth = 20_000;
    const secret = `${'{"a":'.repeat(depth)}"deep-secret-value"${"}".repeat(depth)}`;
    const store = memorySource({ "/deep": secret }, { sensitive: ["/deep"] });
    const config = track(
      createConfig({ schema: z.object({ deep: json(z.any()) }), sources: [store] }),
    );

    // Act
    const loaded = await config.load();
    const redacted = config.redacted() as { deep: unknown };
    const printed = inspect(loaded, { depth: 50 });

    // Assess
    expect(Object.isFrozen(loaded.deep)).toBe(true);
    let node = redacted.deep as { a?: unknown };
    for (let level = 1; level < depth; level++) node = node.a as { a?: unknown };
    expect(node.a).toBe(REDACTED);
    expect(printed).not.toContain("deep-secret-value");
  });
});

describe("validation errors stay free of reshaped secrets", () => {
  it("scrubs a trimmed, upper-cased and base64 echo of a SecureString from issues", async () => {
    // Prepare
    const stored = "Tr1mmed-Secret-Value\n";
    const store = memorySource({ "/token": stored }, { sensitive: ["/token"] });
    const Echo = z.object({
      token: z.string().refine(() => false, {
        error: (issue) => {
          const value = String(issue.input);
          return `bad ${value.trim()} / ${value.toUpperCase()} / ${Buffer.from(value.trim()).toString("base64")}`;
        },
      }),
    });
    const config = track(createConfig({ schema: Echo, sources: [store] }));

    // Act
    const error = await config.load().catch((failure: unknown) => failure);

    // Assess
    expect(error).toBeInstanceOf(ConfigValidationError);
    const message = (error as ConfigValidationError).message;
    expect(message).not.toMatch(/tr1mmed-secret-value/i);
    expect(message).not.toContain(
      Buffer.from("Tr1mmed-Secret-Value").toString("base64").slice(0, 20),
    );
    expect(message).toContain(`bad ${REDACTED} / ${REDACTED} / ${REDACTED}`);
  });
});

describe("a StringList printed on its own", () => {
  it("is scrubbed of a secret's text even when the schema returns the tree as it is", async () => {
    // Prepare: ssmSource holds StringLists frozen; a schema that returns its input passes them on.
    const store = new FakeParameterStore();
    store.put("/app/db/password", PASSWORD, "SecureString");
    store.put("/app/hosts", `a.example,${PASSWORD}`, "StringList");
    const source = ssmSource({ client: new FakeSsmClient(store), path: "/app" });
    const ReturnsInput = {
      "~standard": {
        version: 1 as const,
        vendor: "test",
        validate: (value: unknown) => ({ value: value as { hosts: string[] } }),
      },
    };
    const config = track(createConfig({ schema: ReturnsInput, sources: [source] }));

    // Act
    await config.load();

    // Assess
    const { hosts } = config.current as { hosts: string[] };
    expect(hosts).toEqual(["a.example", PASSWORD]);
    expect(Object.isFrozen(hosts)).toBe(true);
    for (const text of printings(hosts)) expect(text).not.toContain(PASSWORD);
  });
});

describe("lists in a snapshot", () => {
  it("freezes what a list holds, named properties of a RegExp match included, and prints lists redacted", async () => {
    // Prepare: a schema whose output holds a list of lists, and a RegExp match (an array with
    // `index`, `input` and a `groups` object).
    const Listy = z.object({
      db: z.object({ host: z.string(), password: z.string() }),
      origins: z.array(z.string()).transform((origins) => [origins, [...origins].reverse()]),
      matched: z
        .string()
        .transform((host) => /(?<name>[a-z]+)\.(?<zone>.+)/.exec(host) as RegExpExecArray),
    });
    const store = memorySource(
      {
        "/db/host": "db.internal",
        "/db/password": PASSWORD,
        "/origins": ["https://a.example", PASSWORD],
        "/matched": "db.internal",
      },
      { sensitive: ["/db/password"] },
    );
    const config = track(createConfig({ schema: Listy, sources: [store] }));

    // Act
    const current = await config.load();

    // Assess
    expect(Object.isFrozen(current.origins[0])).toBe(true);
    expect(Object.isFrozen(current.origins[1])).toBe(true);
    expect(Object.isFrozen(current.matched)).toBe(true);
    expect(Object.isFrozen(current.matched.groups)).toBe(true);
    expect(current.matched.groups?.zone).toBe("internal");
    for (const text of [...printings(current.origins), ...printings(current.origins[1])]) {
      expect(text).not.toContain(PASSWORD);
    }
  });
});
