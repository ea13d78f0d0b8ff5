import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { ConfigLoadError, type ConfigLoader, createConfig, fileSource } from "../../src/index.js";

const dirs: string[] = [];
const open: Array<ConfigLoader<unknown>> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((config) => config.close()));
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function fileWith(text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "ssm-config-file-"));
  dirs.push(dir);
  const file = join(dir, "config.json");
  await writeFile(file, text);
  return file;
}

function thrown(act: () => unknown): unknown {
  try {
    act();
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to throw");
}

async function loadError(file: string): Promise<unknown> {
  const config = createConfig({ schema: z.any(), sources: [fileSource(file)] });
  open.push(config as ConfigLoader<unknown>);
  return config.load().then(
    () => {
      throw new Error("expected load() to reject");
    },
    (error: unknown) => error,
  );
}

describe("fileSource refuses options it cannot use, naming itself", () => {
  const cases: Array<[string, () => unknown]> = [
    ["an empty path", () => fileSource("")],
    ["a path that is not a string", () => fileSource(42 as unknown as string)],
    ["options that are not an object", () => fileSource("x.json", "watch" as never)],
    ["watch that is not a boolean", () => fileSource("x.json", { watch: "yes" as never })],
    ["debounceMs NaN", () => fileSource("x.json", { debounceMs: Number.NaN })],
    ["debounceMs below 0", () => fileSource("x.json", { debounceMs: -1 })],
    ["debounceMs above a minute", () => fileSource("x.json", { debounceMs: 60_001 })],
    ["debounceMs as a string", () => fileSource("x.json", { debounceMs: "5" as never })],
  ];
  for (const [what, act] of cases) {
    it(`for ${what}`, () => {
      // Act
      const error = thrown(act);

      // Assess
      expect(error).toBeInstanceOf(ConfigLoadError);
      expect((error as ConfigLoadError).reason).toBe("options");
      expect((error as ConfigLoadError).message).toMatch(/^fileSource: /);
    });
  }

  it("accepts the bounds themselves", () => {
    // Act
    const sources = [
      fileSource("x.json", { debounceMs: 0, watch: false }),
      fileSource("x.json", { debounceMs: 60_000, watch: true }),
    ];

    // Assess
    expect(sources).toHaveLength(2);
  });
});

describe("fileSource reports a file it cannot use as a source error naming the file", () => {
  it("for JSON nested 20,000 levels deep, instead of overflowing the stack", async () => {
    // Prepare
    const depth = 20_000;
    const file = await fileWith(`${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`);

    // Act
    const error = await loadError(file);

    // Assess
    expect(error).toBeInstanceOf(ConfigLoadError);
    expect((error as ConfigLoadError).reason).toBe("source");
    expect((error as ConfigLoadError).parameter).toBe(file);
    expect((error as ConfigLoadError).message).toContain("more than 100 levels deep");
  });

  it("for an array leaf nested 20,000 levels deep", async () => {
    // Prepare
    const depth = 20_000;
    const file = await fileWith(`{"list":${"[".repeat(depth)}1${"]".repeat(depth)}}`);

    // Act
    const error = await loadError(file);

    // Assess
    expect((error as ConfigLoadError).reason).toBe("source");
    expect((error as ConfigLoadError).parameter).toBe(file);
  });

  it("loads a file nested exactly 100 levels deep", async () => {
    // Prepare
    const file = await fileWith(`${'{"a":'.repeat(99)}[1]${"}".repeat(99)}`);
    const config = createConfig({ schema: z.any(), sources: [fileSource(file)] });
    open.push(config as ConfigLoader<unknown>);

    // Act
    const loaded = (await config.load()) as Record<string, unknown>;

    // Assess
    expect(loaded.a).toBeDefined();
  });

  it("for a file that is not JSON, or missing", async () => {
    // Prepare
    const broken = await fileWith("{ not json");
    const missing = join(tmpdir(), "ssm-config-does-not-exist", "config.json");

    // Act
    const errors = [await loadError(broken), await loadError(missing)];

    // Assess
    for (const error of errors) {
      expect(error).toBeInstanceOf(ConfigLoadError);
      expect((error as ConfigLoadError).reason).toBe("source");
    }
  });
});

describe("fileSource: member names with a dot", () => {
  it("keeps such a member as one key segment, and only its entry holds segments", async () => {
    // Prepare
    const file = await fileWith('{"db":{"max.conn":10,"host":"h"}}');
    const source = fileSource(file);

    // Act
    const state = await source.load({ signal: new AbortController().signal });
    const config = createConfig({ schema: z.any(), sources: [fileSource(file)] });
    open.push(config as ConfigLoader<unknown>);
    const loaded = await config.load();

    // Assess
    expect(state.entries.get("db.max.conn")?.segments).toEqual(["db", "max.conn"]);
    expect(Object.hasOwn(state.entries.get("db.host") ?? {}, "segments")).toBe(false);
    expect(loaded).toEqual({ db: { "max.conn": 10, host: "h" } });
  });
});
