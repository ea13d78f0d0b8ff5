import { inspect } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  type ChangeEvent,
  ConfigLoadError,
  type ConfigLoader,
  type ConfigSource,
  ConfigValidationError,
  createConfig,
  type MemorySource,
  memorySource,
  REDACTED,
} from "../../src/index.js";
import { VirtualClock } from "../support/virtual-clock.js";

const Schema = z.object({
  db: z.object({ host: z.string(), port: z.coerce.number().int() }),
  origins: z.array(z.string()),
  password: z.string().min(8, { error: (issue) => `too short: ${String(issue.input)}` }),
});
type Config = z.output<typeof Schema>;

const initial = {
  "/db/host": "localhost",
  "/db/port": "5432",
  "/origins": ["https://a.example", "https://b.example"],
  "/password": "hunter22-secret",
};

const open: Array<ConfigLoader<unknown>> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((config) => config.close()));
});

function setup(
  options: { sensitive?: string[]; source?: ConfigSource; clock?: VirtualClock } = {},
) {
  const store = memorySource(initial, { sensitive: options.sensitive ?? ["/password"] });
  const config = createConfig({
    schema: Schema,
    sources: [options.source ?? store],
    ...(options.clock ? { clock: options.clock, refresh: { intervalMs: 60_000 } } : {}),
  });
  open.push(config as ConfigLoader<unknown>);
  return { store, config };
}

/** Lets the loader finish what a store write started (several promise hops, no timers). */
function flush(): Promise<void> {
  return new Promise((done) => setImmediate(done));
}

function recordEvents(config: ConfigLoader<Config>) {
  const changes: Array<ChangeEvent<Config>> = [];
  const errors: Error[] = [];
  config.on("change", (event) => changes.push(event));
  config.on("error", (error) => errors.push(error));
  return { changes, errors };
}

/** A source that counts `refresh` calls and holds each one until `release()`. */
function gatedSource(inner: MemorySource) {
  const stats = { calls: 0, inFlight: 0, most: 0 };
  const waiting: Array<() => void> = [];
  const source: ConfigSource = {
    description: "gated",
    load: (context) => inner.load(context),
    async refresh(previous, context) {
      stats.calls++;
      stats.inFlight++;
      stats.most = Math.max(stats.most, stats.inFlight);
      await new Promise<void>((done) => waiting.push(done));
      stats.inFlight--;
      return inner.refresh(previous, context);
    },
  };
  const release = async () => {
    while (waiting.length > 0) {
      for (const done of waiting.splice(0)) done();
      await flush();
    }
  };
  return { source, stats, release };
}

describe("load", () => {
  it("resolves with the validated snapshot", async () => {
    // Prepare
    const { config } = setup();

    // Act
    const snapshot = await config.load();

    // Assess
    expect(snapshot).toEqual({
      db: { host: "localhost", port: 5432 },
      origins: ["https://a.example", "https://b.example"],
      password: "hunter22-secret",
    });
  });

  it("makes the snapshot deeply frozen", async () => {
    // Prepare
    const { config } = setup();

    // Act
    const snapshot = await config.load();

    // Assess
    expect(Object.isFrozen(snapshot)).toBe(true);
    expect(Object.isFrozen(snapshot.db)).toBe(true);
    expect(Object.isFrozen(snapshot.origins)).toBe(true);
  });

  it("sets current and revision 1", async () => {
    // Prepare
    const { config } = setup();

    // Act
    const snapshot = await config.load();

    // Assess
    expect(config.current).toBe(snapshot);
    expect(config.revision).toBe(1);
  });

  it("returns the current snapshot when called again", async () => {
    // Prepare
    const { config } = setup();
    const first = await config.load();

    // Act
    const second = await config.load();

    // Assess
    expect(second).toBe(first);
    expect(config.revision).toBe(1);
  });

  it("rejects with ConfigValidationError, without the secret, when values fail the schema", async () => {
    // Prepare
    const store = memorySource({ ...initial, "/password": "short!" }, { sensitive: ["/password"] });
    const config = createConfig({ schema: Schema, sources: [store] });
    open.push(config as ConfigLoader<unknown>);

    // Act
    const error = await config.load().catch((reason: unknown) => reason);

    // Assess
    expect(error).toBeInstanceOf(ConfigValidationError);
    expect((error as ConfigValidationError).issues[0]).toMatchObject({
      key: "password",
      parameter: "/password",
    });
    expect((error as Error).message).not.toContain("short!");
  });

  it("makes current throw ConfigLoadError before the first load", () => {
    // Prepare
    const { config } = setup();

    // Act
    const read = () => config.current;

    // Assess
    expect(read).toThrow(ConfigLoadError);
  });
});

describe("a write to the memory source", () => {
  it("emits exactly one change with the per-key diff, and increases the revision by 1", async () => {
    // Prepare
    const { store, config } = setup();
    const { changes } = recordEvents(config);
    const before = await config.load();

    // Act
    store.set("/db/host", "db.internal");
    await flush();

    // Assess
    expect(changes).toHaveLength(1);
    expect(changes[0]?.changes).toEqual([
      { key: "db.host", parameter: "/db/host", kind: "updated", previousVersion: 1, version: 2 },
    ]);
    expect(changes[0]?.revision).toBe(2);
    expect(changes[0]?.previous).toBe(before);
    expect(changes[0]?.current).toBe(config.current);
    expect(config.current.db.host).toBe("db.internal");
    expect(config.revision).toBe(2);
  });

  it("increases a parameter's version by 1 per write", async () => {
    // Prepare
    const { store, config } = setup();
    const { changes } = recordEvents(config);
    await config.load();

    // Act
    store.set("/db/port", "5433");
    await flush();
    store.set("/db/port", "5434");
    await flush();

    // Assess
    expect(changes.map((event) => event.changes[0]?.version)).toEqual([2, 3]);
    expect(config.versions()["db.port"]).toEqual({ parameter: "/db/port", version: 3 });
  });

  it("reports a new name as added and a deleted one as removed", async () => {
    // Prepare
    const store = memorySource(initial, { sensitive: ["/password"] });
    const config = createConfig({
      schema: Schema.extend({ level: z.string().optional() }),
      sources: [store],
    });
    open.push(config as ConfigLoader<unknown>);
    const changes: string[] = [];
    config.on("change", (event) => changes.push(...event.changes.map((c) => `${c.kind} ${c.key}`)));
    await config.load();

    // Act
    store.set("/level", "debug");
    await flush();
    store.delete("/level");
    await flush();

    // Assess
    expect(changes).toEqual(["added level", "removed level"]);
  });

  it("never puts a value in the changes", async () => {
    // Prepare
    const { store, config } = setup();
    const { changes } = recordEvents(config);
    await config.load();

    // Act
    store.set("/password", "new-hunter-secret");
    await flush();

    // Assess
    expect(JSON.stringify(changes[0]?.changes)).not.toContain("hunter");
  });

  it("that fails the schema emits a ConfigValidationError and keeps the previous snapshot and revision", async () => {
    // Prepare
    const { store, config } = setup();
    const { changes, errors } = recordEvents(config);
    const before = await config.load();

    // Act
    store.set("/db/port", "not-a-number");
    await flush();

    // Assess
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(ConfigValidationError);
    expect(changes).toHaveLength(0);
    expect(config.current).toBe(before);
    expect(config.revision).toBe(1);
  });

  it("that fails the schema reports no sensitive value, even one the schema's message echoes", async () => {
    // Prepare
    const { store, config } = setup();
    const { errors } = recordEvents(config);
    await config.load();

    // Act
    store.set("/password", "tiny-pw");
    await flush();

    // Assess
    expect(errors[0]?.message).toContain("too short: [REDACTED]");
    expect(errors[0]?.message).not.toContain("tiny-pw");
  });
});

describe("change listeners", () => {
  it("a listener that throws stops neither the other listeners nor later changes", async () => {
    // Prepare
    const { store, config } = setup();
    await config.load();
    const seen: number[] = [];
    config.on("change", () => {
      throw new Error("listener bug");
    });
    config.on("change", (event) => seen.push(event.revision));
    config.on("error", () => {
      // The listener failure is reported here; nothing else to do.
    });

    // Act
    store.set("/db/host", "one");
    await flush();
    store.set("/db/host", "two");
    await flush();

    // Assess
    expect(seen).toEqual([2, 3]);
    expect(config.current.db.host).toBe("two");
  });

  it("a listener error that echoes a secret, old or new, is reported without it", async () => {
    // Prepare
    const { store, config } = setup();
    await config.load();
    config.on("change", (event) => {
      throw new Error(`cannot use ${event.current.password}`);
    });
    config.on("change", async (event) => {
      throw new Error(`was ${event.previous.password}`);
    });
    const reported: Error[] = [];
    config.on("error", (error) => reported.push(error));

    // Act
    store.set("/password", "rotated-secret-42");
    await flush();
    await flush();

    // Assess
    expect(reported).toHaveLength(2);
    const printed = reported.map((error) => inspect(error, { depth: 5 })).join("\n");
    expect(printed).toContain("cannot use [REDACTED]");
    expect(printed).toContain("was [REDACTED]");
    expect(printed).not.toContain("rotated-secret-42");
    expect(printed).not.toContain("hunter22-secret");
  });

  it("no change event fires when a refresh finds nothing new", async () => {
    // Prepare
    const { config } = setup();
    const { changes } = recordEvents(config);
    await config.load();

    // Act
    const result = await config.refresh();

    // Assess
    expect(result).toEqual([]);
    expect(changes).toHaveLength(0);
    expect(config.revision).toBe(1);
  });
});

describe("redacted", () => {
  it("replaces the sensitive values and leaves the others", async () => {
    // Prepare
    const { config } = setup({ sensitive: ["/password"] });
    await config.load();

    // Act
    const redacted = config.redacted();

    // Assess
    expect(redacted).toEqual({
      db: { host: "localhost", port: 5432 },
      origins: ["https://a.example", "https://b.example"],
      password: REDACTED,
    });
    expect(config.current.password).toBe("hunter22-secret");
  });

  it("redacts nothing when no name is sensitive", async () => {
    // Prepare
    const { config } = setup({ sensitive: [] });
    await config.load();

    // Act
    const redacted = config.redacted();

    // Assess
    expect(redacted.password).toBe("hunter22-secret");
  });
});

describe("versions", () => {
  it("gives each key's parameter and version", async () => {
    // Prepare
    const { config } = setup();
    await config.load();

    // Act
    const versions = config.versions();

    // Assess
    expect(versions).toEqual({
      "db.host": { parameter: "/db/host", version: 1 },
      "db.port": { parameter: "/db/port", version: 1 },
      origins: { parameter: "/origins", version: 1 },
      password: { parameter: "/password", version: 1 },
    });
  });
});

describe("handleEvent", () => {
  it("resolves [] without touching the source for a parameter this config does not use", async () => {
    // Prepare
    const gated = gatedSource(memorySource(initial));
    const { config } = setup({ source: gated.source });
    await config.load();
    const event = {
      "detail-type": "Parameter Store Change",
      source: "aws.ssm",
      detail: { name: "/other/app/db/host", operation: "Update" },
    };

    // Act
    const changes = await config.handleEvent(event);

    // Assess
    expect(changes).toEqual([]);
    expect(gated.stats.calls).toBe(0);
  });

  it("rejects malformed input with a TypeError and changes nothing", async () => {
    // Prepare
    const { config } = setup();
    const before = await config.load();

    // Act
    const error = await config.handleEvent("{not json").catch((reason: unknown) => reason);

    // Assess
    expect(error).toBeInstanceOf(TypeError);
    expect(config.current).toBe(before);
    expect(config.revision).toBe(1);
  });
});

describe("refresh", () => {
  it("coalesces concurrent calls: one fetch in flight, one follow-up for all the rest", async () => {
    // Prepare
    const gated = gatedSource(memorySource(initial));
    const { config } = setup({ source: gated.source });
    await config.load();

    // Act
    const calls = Array.from({ length: 5 }, () => config.refresh());
    await gated.release();
    const results = await Promise.all(calls);

    // Assess
    expect(gated.stats.calls).toBe(2);
    expect(gated.stats.most).toBe(1);
    expect(results).toEqual([[], [], [], [], []]);
  });

  it("rejects before the first load", async () => {
    // Prepare
    const { config } = setup();

    // Act
    const error = await config.refresh().catch((reason: unknown) => reason);

    // Assess
    expect(error).toBeInstanceOf(ConfigLoadError);
  });
});

describe("close", () => {
  it("makes refresh() reject with ConfigLoadError", async () => {
    // Prepare
    const { config } = setup();
    await config.load();

    // Act
    await config.close();

    // Assess
    await expect(config.refresh()).rejects.toBeInstanceOf(ConfigLoadError);
  });

  it("clears every timer it started", async () => {
    // Prepare
    const clock = new VirtualClock();
    const { config } = setup({ clock });
    await config.load();
    const pendingBefore = clock.pendingTimers;

    // Act
    await config.close();

    // Assess
    expect(pendingBefore).toBeGreaterThan(0);
    expect(clock.pendingTimers).toBe(0);
  });

  it("stops listening to the memory source", async () => {
    // Prepare: count the loader's live subscriptions on the store.
    const store = memorySource(initial, { sensitive: ["/password"] });
    let subscribed = 0;
    const counted: ConfigSource = {
      ...store,
      subscribe(listener) {
        subscribed++;
        const unsubscribe = (store.subscribe as NonNullable<MemorySource["subscribe"]>)(listener);
        return () => {
          subscribed--;
          unsubscribe();
        };
      },
    };
    const { config } = setup({ source: counted });
    const { changes, errors } = recordEvents(config);
    await config.load();
    const whileOpen = subscribed;

    // Act
    await config.close();
    store.set("/db/host", "after-close");
    await flush();

    // Assess
    expect(whileOpen).toBe(1);
    expect(subscribed).toBe(0);
    expect(changes).toHaveLength(0);
    expect(errors).toHaveLength(0);
    expect(config.current.db.host).toBe("localhost");
  });

  it("polls with the given clock until closed", async () => {
    // Prepare
    const clock = new VirtualClock();
    const gated = gatedSource(memorySource(initial));
    const { config } = setup({ clock, source: gated.source });
    await config.load();

    // Act
    await clock.advance(66_000);
    await gated.release();
    await config.close();
    await clock.advance(600_000);

    // Assess
    expect(gated.stats.calls).toBe(1);
  });
});

describe("sensitive lists", () => {
  it("scrubs every item of a sensitive list from validation messages", async () => {
    const store = memorySource({ "/tokens": ["tok-secret-1"] }, { sensitive: ["/tokens"] });
    const config = createConfig({
      schema: z.object({
        tokens: z.array(
          z.string().refine(() => false, { error: (issue) => `bad ${String(issue.input)}` }),
        ),
      }),
      sources: [store],
    });

    const error = await config.load().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ConfigValidationError);
    expect((error as Error).message).not.toContain("tok-secret-1");
    expect(JSON.stringify((error as ConfigValidationError).issues)).not.toContain("tok-secret-1");
  });
});

describe("eventSpreadMs", () => {
  const changeEvent = (name: string) => ({
    "detail-type": "Parameter Store Change",
    source: "aws.ssm",
    detail: { name, operation: "Update" },
  });

  it("waits a random time up to the spread, then fetches every event that arrived meanwhile once", async () => {
    const clock = new VirtualClock(() => 0.5);
    const store = memorySource({ "/a": "1", "/b": "1" });
    let refreshes = 0;
    const counted = {
      ...store,
      applyNotices: (...args: Parameters<NonNullable<typeof store.applyNotices>>) => {
        refreshes++;
        return (store.applyNotices as NonNullable<typeof store.applyNotices>)(...args);
      },
      subscribe: undefined,
    };
    const config = createConfig({
      schema: z.object({ a: z.string(), b: z.string() }),
      sources: [counted],
      eventSpreadMs: 1_000,
      clock,
    });
    await config.load();
    store.set("/a", "2");
    store.set("/b", "2");

    const first = config.handleEvent(changeEvent("/a"));
    const second = config.handleEvent(changeEvent("/b"));
    await clock.advance(499);
    expect(refreshes).toBe(0);
    await clock.advance(1);
    const [changes] = await Promise.all([first, second]);

    expect(refreshes).toBe(1);
    expect(changes.map((change) => change.key)).toEqual(["a", "b"]);
    expect(config.current).toEqual({ a: "2", b: "2" });
    await config.close();
  });

  it("rejects a waiting event as closed when the config closes", async () => {
    const clock = new VirtualClock();
    const config = createConfig({
      schema: z.object({ a: z.string() }),
      sources: [memorySource({ "/a": "1" })],
      eventSpreadMs: 60_000,
      clock,
    });
    await config.load();
    const pending = config.handleEvent(changeEvent("/a"));

    await config.close();

    await expect(pending).rejects.toMatchObject({ name: "ConfigLoadError" });
  });

  it("refuses a negative spread", () => {
    expect(() =>
      createConfig({ schema: z.object({}), sources: [memorySource()], eventSpreadMs: -1 }),
    ).toThrow(/eventSpreadMs/);
  });
});
