import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConfigLoadError } from "../../src/errors/config-load-error.js";
import {
  addUniqueEntry,
  buildTree,
  mergeEntries,
  mergeUpdate,
  patchTree,
} from "../../src/mapping/config-tree.js";
import { SensitiveString } from "../../src/sensitive.js";
import type { EntryValue, MissingParameter, ParameterEntry } from "../../src/sources/contract.js";

function entry(
  key: string,
  value: unknown,
  overrides: Partial<ParameterEntry> = {},
): ParameterEntry {
  // No segments: an entry carries them only when a segment holds a dot (see keySegments).
  return {
    key,
    parameter: `/app/${key.replaceAll(".", "/")}`,
    value: value as EntryValue,
    version: 1,
    type: "String",
    sensitive: false,
    ...overrides,
  };
}

function missing(key: string, parameter = `/app/${key}`): MissingParameter {
  return { key, parameter };
}

function thrown(act: () => unknown): unknown {
  try {
    act();
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to throw");
}

describe("buildTree", () => {
  it("nests entries by their key segments", () => {
    // Prepare
    const entries = [
      entry("db.host", "localhost"),
      entry("db.port", "5432"),
      entry("level", "info"),
    ];

    // Act
    const tree = buildTree(entries);

    // Assess
    expect(tree).toEqual({ db: { host: "localhost", port: "5432" }, level: "info" });
  });

  it("keeps a segment that contains a dot as one property", () => {
    // Prepare
    const dotted = entry("db.max.conn", "10", { segments: ["db", "max.conn"] });

    // Act
    const tree = buildTree([dotted]);

    // Assess
    expect(tree).toEqual({ db: { "max.conn": "10" } });
  });

  it("unwraps a SensitiveString into its value", () => {
    // Prepare
    const password = entry("db.password", new SensitiveString("hunter22"), { sensitive: true });

    // Act
    const tree = buildTree([password]);

    // Assess
    expect(tree).toEqual({ db: { password: "hunter22" } });
  });

  it("copies a list so that the schema cannot change the entry's value", () => {
    // Prepare
    const list = ["a", "b"];

    // Act
    const tree = buildTree([entry("origins", list)]);

    // Assess
    expect(tree.origins).toEqual(["a", "b"]);
    expect(tree.origins).not.toBe(list);
  });

  it.each([
    ["the value first", [entry("db", "x"), entry("db.host", "h")]],
    ["the parent first", [entry("db.host", "h"), entry("db", "x")]],
  ])(
    "rejects a key that is both a value and a parent, with %s, naming both parameters",
    (_, entries) => {
      // Act
      const error = thrown(() => buildTree(entries));

      // Assess
      expect(error).toBeInstanceOf(ConfigLoadError);
      expect((error as Error).message).toContain('"/app/db"');
      expect((error as Error).message).toContain('"/app/db/host"');
    },
  );

  it("names both parameters when the conflict is deeper than the first level", () => {
    // Prepare
    const entries = [entry("a.b.c.d", "1"), entry("a.b", "2")];

    // Act
    const error = thrown(() => buildTree(entries));

    // Assess
    expect((error as Error).message).toContain('"/app/a/b/c/d"');
    expect((error as Error).message).toContain('"/app/a/b"');
  });

  it("treats a leaf whose value is an object as a value, not a parent, and leaves it unchanged", () => {
    // Prepare
    const objectValue = { host: "h" };
    const entries = [entry("db", objectValue), entry("db.port", "1")];

    // Act
    const error = thrown(() => buildTree(entries));

    // Assess
    expect(error).toBeInstanceOf(ConfigLoadError);
    expect(objectValue).toEqual({ host: "h" });
  });

  it.each(["__proto__", "constructor", "prototype"])(
    "makes a %s segment an own property and leaves Object.prototype alone",
    (unsafe) => {
      // Prepare
      const entries = [entry(`${unsafe}.polluted`, "yes"), entry(`x.${unsafe}`, "leaf")];

      // Act
      const tree = buildTree(entries);

      // Assess
      expect(Object.hasOwn(tree, unsafe)).toBe(true);
      expect(Object.hasOwn(tree.x as object, unsafe)).toBe(true);
      expect(Object.getPrototypeOf(tree)).toBe(Object.prototype);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    },
  );

  it("nests keys whose parents come back after other parents", () => {
    // Prepare
    const entries = [
      entry("db.host", "h"),
      entry("cache.ttl", "60"),
      entry("db.port", "1"),
      entry("db.pool.max", "5"),
      entry("cache.size", "9"),
    ];

    // Act
    const tree = buildTree(entries);

    // Assess
    expect(tree).toEqual({
      db: { host: "h", port: "1", pool: { max: "5" } },
      cache: { ttl: "60", size: "9" },
    });
  });

  it("builds what nesting each key by its segments builds, in any order, dotted segments too", () => {
    // Prepare: keys over a few short segments, some of which hold a dot (kept as segments).
    const segment = fc.constantFrom("a", "b", "c", "a.b");
    const lists = fc.uniqueArray(fc.array(segment, { minLength: 1, maxLength: 3 }), {
      selector: (segments) => segments.join("/"),
      maxLength: 20,
    });
    const reference = (entries: readonly ParameterEntry[]): unknown => {
      const root: Record<string, unknown> = {};
      for (const item of entries) {
        const segments = item.segments ?? item.key.split(".");
        let node = root;
        for (const part of segments.slice(0, -1)) {
          if (!Object.hasOwn(node, part)) node[part] = {};
          else if (typeof node[part] !== "object") return "conflict";
          node = node[part] as Record<string, unknown>;
        }
        const leaf = segments.at(-1) as string;
        if (Object.hasOwn(node, leaf)) return "conflict";
        node[leaf] = item.value;
      }
      return root;
    };

    fc.assert(
      fc.property(lists, (segmentLists) => {
        const entries = segmentLists.map((segments, index) => {
          const key = segments.join(".");
          const dotted = segments.some((part) => part.includes("."));
          return entry(key, `v${index}`, dotted ? { segments } : {});
        });
        // Two keys with one dot-split spelling but other segments are a collision the source
        // refuses before a tree is built; not a case for buildTree.
        fc.pre(new Set(entries.map((item) => item.key)).size === entries.length);

        // Act
        let built: unknown;
        try {
          built = buildTree(entries);
        } catch (error) {
          expect(error).toBeInstanceOf(ConfigLoadError);
          built = "conflict";
        }

        // Assess
        expect(built).toEqual(reference(entries));
      }),
      { numRuns: 1000 },
    );
  });

  it("never reaches Object.prototype, whatever the segments", () => {
    // Prepare
    const segment = fc.oneof(
      fc.constantFrom("__proto__", "constructor", "prototype", "toString", "hasOwnProperty"),
      fc.stringMatching(/^[a-z]{1,3}$/),
    );
    const keys = fc.uniqueArray(fc.array(segment, { minLength: 1, maxLength: 4 }), {
      selector: (segments) => segments.join("."),
      maxLength: 12,
    });
    const prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort();

    fc.assert(
      fc.property(keys, (segmentLists) => {
        // Act
        try {
          buildTree(segmentLists.map((segments) => entry(segments.join("."), "v")));
        } catch (error) {
          // A key that is both a value and a parent is a legitimate outcome here.
          expect(error).toBeInstanceOf(ConfigLoadError);
        }

        // Assess
        expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeBefore);
        expect(Object.getPrototypeOf({})).toBe(Object.prototype);
        expect(({} as Record<string, unknown>).a).toBeUndefined();
      }),
    );
  });
});

describe("addUniqueEntry", () => {
  it("adds an entry under its key", () => {
    // Prepare
    const target = new Map<string, ParameterEntry>();

    // Act
    addUniqueEntry(target, entry("db.host", "h"));

    // Assess
    expect(target.get("db.host")?.value).toBe("h");
  });

  it("replaces an entry of the same parameter", () => {
    // Prepare
    const target = new Map<string, ParameterEntry>();
    addUniqueEntry(target, entry("db.host", "old"));

    // Act
    addUniqueEntry(target, entry("db.host", "new", { version: 2 }));

    // Assess
    expect(target.get("db.host")?.value).toBe("new");
  });

  it("rejects two parameters on one key, naming both", () => {
    // Prepare
    const target = new Map<string, ParameterEntry>();
    addUniqueEntry(target, entry("maxConn", "1", { parameter: "/app/max-conn" }));

    // Act
    const error = thrown(() =>
      addUniqueEntry(target, entry("maxConn", "2", { parameter: "/app/max_conn" })),
    );

    // Assess
    expect(error).toBeInstanceOf(ConfigLoadError);
    expect((error as Error).message).toContain('"/app/max-conn" and "/app/max_conn"');
    expect((error as ConfigLoadError).parameter).toBe("/app/max_conn");
  });
});

describe("mergeEntries", () => {
  const snapshot = (entries: ParameterEntry[], missingItems: MissingParameter[] = []) => ({
    entries: new Map(entries.map((item) => [item.key, item])),
    missing: new Map(missingItems.map((item) => [item.key, item])),
  });

  it("lets a later source win key by key", () => {
    // Prepare
    const first = snapshot([entry("db.host", "first"), entry("db.port", "1")]);
    const second = snapshot([entry("db.host", "second", { parameter: "/other/db/host" })]);

    // Act
    const merged = mergeEntries([first, second]);

    // Assess
    expect(merged.entries.get("db.host")?.value).toBe("second");
    expect(merged.entries.get("db.port")?.value).toBe("1");
  });

  it("does not let a later source's missing binding hide an earlier source's value", () => {
    // Prepare
    const first = snapshot([entry("stripe", "{}")]);
    const second = snapshot([], [missing("stripe", "/aws/reference/secretsmanager/stripe")]);

    // Act
    const merged = mergeEntries([first, second]);

    // Assess
    expect(merged.entries.get("stripe")?.value).toBe("{}");
    expect(merged.missing.has("stripe")).toBe(false);
  });

  it("lets a later source's value fill an earlier source's missing binding", () => {
    // Prepare
    const first = snapshot([], [missing("stripe")]);
    const second = snapshot([entry("stripe", "{}")]);

    // Act
    const merged = mergeEntries([first, second]);

    // Assess
    expect(merged.entries.get("stripe")?.value).toBe("{}");
    expect(merged.missing.has("stripe")).toBe(false);
  });

  it("reports a binding missing in every source as missing", () => {
    // Prepare
    const first = snapshot([], [missing("stripe")]);

    // Act
    const merged = mergeEntries([first, snapshot([])]);

    // Assess
    expect(merged.missing.get("stripe")?.parameter).toBe("/app/stripe");
  });
});

describe("patchTree", () => {
  it("gives the tree a full build would, sharing the branches no change touched", () => {
    // Prepare
    const before = [entry("db.host", "h"), entry("db.port", "1"), entry("cache.ttl", "60")];
    const previous = buildTree(before);
    const changed = entry("db.port", "2", { version: 2 });
    const after = [before[0] as ParameterEntry, changed, before[2] as ParameterEntry];

    // Act
    const tree = patchTree(previous, new Map(before.map((item) => [item.key, item])), [changed]);

    // Assess
    expect(tree).toEqual(buildTree(after));
    expect(tree?.cache).toBe(previous.cache);
    expect(tree?.db).not.toBe(previous.db);
    expect(previous).toEqual(buildTree(before));
  });

  it("patches a frozen tree (a pass-through schema's snapshot) without touching it", () => {
    // Prepare
    const before = [entry("db.host", "h"), entry("db.port", "1")];
    const previous = buildTree(before);
    Object.freeze(previous.db);
    Object.freeze(previous);
    const changed = entry("db.host", "new", { version: 2 });

    // Act
    const tree = patchTree(previous, new Map(before.map((item) => [item.key, item])), [changed]);

    // Assess
    expect(tree).toEqual({ db: { host: "new", port: "1" } });
    expect(previous).toEqual({ db: { host: "h", port: "1" } });
  });

  it("patches a value under a segment that holds a dot", () => {
    // Prepare
    const before = [
      entry("db.max.conn", "1", { segments: ["db", "max.conn"] }),
      entry("db.host", "h"),
    ];
    const previous = buildTree(before);
    const changed = entry("db.max.conn", "2", { segments: ["db", "max.conn"], version: 2 });

    // Act
    const tree = patchTree(previous, new Map(before.map((item) => [item.key, item])), [changed]);

    // Assess
    expect(tree).toEqual({ db: { "max.conn": "2", host: "h" } });
  });

  it("declines a key whose segments changed, so that the caller builds the tree whole", () => {
    // Prepare
    const before = [entry("a.b", "1", { segments: ["a.b"] })];

    // Act
    const tree = patchTree(buildTree(before), new Map(before.map((item) => [item.key, item])), [
      entry("a.b", "2"),
    ]);

    // Assess
    expect(tree).toBeUndefined();
  });

  it("declines a key it did not hold before, so that the caller builds the tree whole", () => {
    // Prepare
    const before = [entry("db.host", "h")];

    // Act
    const tree = patchTree(buildTree(before), new Map(before.map((item) => [item.key, item])), [
      entry("db.port", "1"),
    ]);

    // Assess
    expect(tree).toBeUndefined();
  });
});

describe("mergeUpdate", () => {
  const state = (entries: ParameterEntry[], missingItems: MissingParameter[] = []) => ({
    entries: new Map(entries.map((item) => [item.key, item])),
    missing: new Map(missingItems.map((item) => [item.key, item])),
  });

  it("merges like mergeEntries, key order included, and names every key that changed", () => {
    // Prepare
    const segment = fc.constantFrom("a", "b", "c", "d");
    const keys = fc.uniqueArray(
      fc.tuple(segment, segment).map(([x, y]) => `${x}.${y}`),
      {
        maxLength: 8,
      },
    );
    const sourceStates = fc.array(
      fc.tuple(keys, keys).map(([present, missingKeys]) =>
        state(
          present.map((key) => entry(key, key)),
          missingKeys.map((key) => missing(key)),
        ),
      ),
      { minLength: 1, maxLength: 3 },
    );
    fc.assert(
      fc.property(
        sourceStates,
        fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
        (states, replace) => {
          // Some sources replaced by a new state: same keys with new entries, or new keys.
          const next = states.map((item, index) =>
            replace[index]
              ? state(
                  [...item.entries.values()].map((old) => entry(old.key, "new", { version: 2 })),
                  [...item.missing.values()],
                )
              : item,
          );
          const previous = mergeEntries(states);

          // Act
          const update = mergeUpdate(states, previous, next);

          // Assess
          const expected = mergeEntries(next);
          expect([...update.entries]).toEqual([...expected.entries]);
          expect([...update.missing.keys()]).toEqual([...expected.missing.keys()]);
          for (const [key, item] of expected.entries) {
            if (previous.entries.get(key) !== item) expect(update.touched).toContain(key);
          }
        },
      ),
    );
  });

  it("reports removed and added keys as touched", () => {
    // Prepare
    const before = state([entry("a", "1"), entry("b", "2")]);
    const after = state([entry("b", "2"), entry("c", "3")]);
    after.entries.set("b", before.entries.get("b") as ParameterEntry);

    // Act
    const update = mergeUpdate([before], mergeEntries([before]), [after]);

    // Assess
    expect([...update.touched].sort()).toEqual(["a", "c"]);
    expect(update.sameKeys).toBe(false);
  });
});
