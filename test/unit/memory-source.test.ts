import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  ConfigLoadError,
  type ConfigLoader,
  type ConfigSource,
  createConfig,
  memorySource,
} from "../../src/index.js";
import type { ChangeNotice } from "../../src/sources/contract.js";

const open: Array<ConfigLoader<unknown>> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((config) => config.close()));
});

function thrown(act: () => unknown): unknown {
  try {
    act();
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to throw");
}

function expectOptionsError(error: unknown, prefix: string): void {
  expect(error).toBeInstanceOf(ConfigLoadError);
  expect((error as ConfigLoadError).reason).toBe("options");
  expect((error as Error).message.startsWith(`${prefix}: `)).toBe(true);
  expect((error as Error).message.length).toBeLessThan(300);
}

const hole: string[] = ["a"];
hole[2] = "c";

describe("memorySource: options", () => {
  it.each<[string, () => unknown, RegExp]>([
    [
      "sensitive given as a string",
      () => memorySource({}, { sensitive: "/a" as never }),
      /sensitive must be an array/,
    ],
    [
      "sensitive holding a number",
      () => memorySource({}, { sensitive: [5 as never] }),
      /sensitive\[0\]/,
    ],
    [
      "sensitive holding a name with an empty segment",
      () => memorySource({}, { sensitive: ["/a//b"] }),
      /sensitive\[0\]/,
    ],
    [
      "a misspelt option",
      () => memorySource({}, { sensitiv: ["/a"] } as never),
      /unknown option "sensitiv"/,
    ],
    ["options null", () => memorySource({}, null as never), /options must be an object/],
    [
      "initial values null",
      () => memorySource(null as never),
      /initial values must be a plain object/,
    ],
    ["initial values an array", () => memorySource([["/a", "1"]] as never), /initial values/],
    ["initial values a Map", () => memorySource(new Map([["/a", "1"]]) as never), /initial values/],
    [
      "a number value",
      () => memorySource({ "/a": 5 as never }),
      /"\/a" must be a string or an array of strings/,
    ],
    ["a null value", () => memorySource({ "/a": null as never }), /"\/a"/],
    ["an array holding a number", () => memorySource({ "/a": ["x", 1 as never] }), /"\/a"/],
    ["an array with a hole", () => memorySource({ "/a": hole }), /"\/a"/],
    [
      "a name with an empty segment",
      () => memorySource({ "/a//b": "1" }),
      /"\/a\/\/b" is not a parameter name/,
    ],
    [
      "a name with a trailing slash",
      () => memorySource({ "/a/b/": "1" }),
      /is not a parameter name/,
    ],
    ["the name /", () => memorySource({ "/": "1" }), /is not a parameter name/],
    ["an empty name", () => memorySource({ "": "1" }), /is not a parameter name/],
    [
      "a name of 2,049 characters",
      () => memorySource({ [`/${"n".repeat(2_048)}`]: "1" }),
      /at most 2048/,
    ],
  ])("refuses %s with an options error naming memorySource", (_, act, message) => {
    // Act
    const error = thrown(act);

    // Assess
    expectOptionsError(error, "memorySource");
    expect((error as Error).message).toMatch(message);
  });

  it("accepts a root name without its leading slash, and string arrays", async () => {
    // Act
    const store = memorySource(
      { level: "debug", "/origins": ["a", "b"] },
      { sensitive: ["level"] },
    );

    // Assess
    expect(store.get("/level")).toBe("debug");
    expect(store.get("level")).toBe("debug");
    const snapshot = await store.load({ signal: new AbortController().signal });
    expect(snapshot.entries.get("level")?.sensitive).toBe(true);
    expect(snapshot.entries.get("origins")?.value).toEqual(["a", "b"]);
  });

  it("refuses a bad set() or delete() with an options error, storing and telling nothing", () => {
    // Prepare
    const store = memorySource({ "/a": "1" });
    let told = 0;
    store.subscribe?.(() => told++);

    // Act
    const badValue = thrown(() => store.set("/a", 5 as never));
    const badName = thrown(() => store.set("/a//b", "2"));
    const badDelete = thrown(() => store.delete(5 as never));

    // Assess
    expectOptionsError(badValue, "memorySource.set");
    expectOptionsError(badName, "memorySource.set");
    expectOptionsError(badDelete, "memorySource.delete");
    expect(store.get("/a")).toBe("1");
    expect(told).toBe(0);
  });
});

describe("memorySource: a name segment with a dot", () => {
  it("stays one key segment, and only its entry holds segments", async () => {
    // Prepare
    const source = memorySource({ "/db/max.conn": "10", "/db/host": "h" });
    const config = createConfig({ schema: z.any(), sources: [source] });
    open.push(config);

    // Act
    const state = await source.load({ signal: new AbortController().signal });
    const loaded = await config.load();

    // Assess
    expect(state.entries.get("db.max.conn")?.segments).toEqual(["db", "max.conn"]);
    expect(Object.hasOwn(state.entries.get("db.host") ?? {}, "segments")).toBe(false);
    expect(loaded).toEqual({ db: { "max.conn": "10", host: "h" } });
  });
});

describe("memorySource: two names on one key", () => {
  it("fails the load with a mapping error naming both, rather than picking one", async () => {
    // Prepare
    const config = createConfig({
      schema: z.any(),
      sources: [memorySource({ "/a.b": "1", "/a/b": "2" })],
    });
    open.push(config);

    // Act
    const error = await config.load().catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(ConfigLoadError);
    expect((error as ConfigLoadError).reason).toBe("mapping");
    expect((error as Error).message).toContain('"/a.b" and "/a/b"');
  });

  it("fails the refresh that brings the second name and keeps the last good snapshot", async () => {
    // Prepare
    const store = memorySource({ "/a/b": "1" });
    const config = createConfig({ schema: z.any(), sources: [store] });
    open.push(config);
    const loaded = await config.load();
    config.on("error", () => undefined);

    // Act
    store.set("/a.b", "2");
    const error = await config.refresh().catch((caught: unknown) => caught);

    // Assess
    expect((error as ConfigLoadError).reason).toBe("mapping");
    expect(config.current).toBe(loaded);
  });
});

describe("memorySource: change notices", () => {
  const removed = (name: string): ChangeNotice => ({
    kind: "parameter-removed",
    name,
    cause: "deleted",
  });

  it.each(["/app/max-conn/", "/app//max-conn", "/app/max_conn", "/APP/max-conn"])(
    "is not concerned by a removal of %s while it holds /app/max-conn",
    async (name) => {
      // Prepare
      const store = memorySource({ "/app/max-conn": "10" });
      const previous = await store.load({ signal: new AbortController().signal });

      // Act / Assess
      expect(store.shareOf?.(removed(name), previous)).toBeUndefined();
    },
  );

  it("is not concerned by a secret notice", async () => {
    // Prepare
    const store = memorySource({ "/a": "1" });
    const previous = await store.load({ signal: new AbortController().signal });

    // Act / Assess
    expect(store.shareOf?.({ kind: "secret-changed", ids: ["/a", "a"] }, previous)).toBeUndefined();
  });

  it("keeps a value that a Delete event names but that the store still holds", async () => {
    // Prepare
    const store = memorySource({ "/app/max-conn": "10" });
    const config = createConfig({ schema: z.any(), sources: [store] });
    open.push(config);
    const loaded = await config.load();

    // Act
    const changes = await config.handleEvent({
      "detail-type": "Parameter Store Change",
      source: "aws.ssm",
      detail: { name: "/app/max-conn", operation: "Delete" },
    });

    // Assess
    expect(changes).toEqual([]);
    expect(config.current).toBe(loaded);
  });

  it("asks nothing of the store for a removal of another name mapping to the same key", async () => {
    // Prepare
    const inner = memorySource({ "/app/max-conn": "10" });
    let applied = 0;
    const source: ConfigSource = {
      ...inner,
      description: "counted memory",
      load: (context) => inner.load(context),
      refresh: (previous, context) => inner.refresh(previous, context),
      shareOf: (notice, previous) => inner.shareOf?.(notice, previous),
      applyNotices: (previous, shares, context) => {
        applied++;
        return inner.applyNotices?.(previous, shares, context) ?? Promise.resolve(previous);
      },
    };
    const config = createConfig({ schema: z.any(), sources: [source] });
    open.push(config);
    const loaded = await config.load();

    // Act
    const changes = await config.handleEvent(
      ["/app//max-conn", "/app/max-conn/"].map((name) => ({
        "detail-type": "Parameter Store Change",
        source: "aws.ssm",
        detail: { name, operation: "Delete" },
      })),
    );

    // Assess
    expect(changes).toEqual([]);
    expect(applied).toBe(0);
    expect(config.current).toBe(loaded);
  });

  it("applies a removal of a name it held once it is gone from the store", async () => {
    // Prepare
    const store = memorySource({ "/a": "1", "/b": "2" });
    const previous = await store.load({ signal: new AbortController().signal });
    store.delete("/b");

    // Act
    const share = store.shareOf?.(removed("/b"), previous);
    const next = await store.applyNotices?.(previous, [share], {
      signal: new AbortController().signal,
    });

    // Assess
    expect(share).toBeDefined();
    expect([...(next?.entries.keys() ?? [])]).toEqual(["a"]);
  });
});
