import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConfigLoadError } from "../../src/errors/config-load-error.js";
import { addUniqueEntry, buildTree, mergeEntries } from "../../src/mapping/config-tree.js";
import { SensitiveString } from "../../src/sensitive.js";
import type { EntryValue, MissingParameter, ParameterEntry } from "../../src/sources/contract.js";

function entry(
  key: string,
  value: unknown,
  overrides: Partial<ParameterEntry> = {},
): ParameterEntry {
  return {
    key,
    segments: key.split("."),
    parameter: `/app/${key.replaceAll(".", "/")}`,
    value: value as EntryValue,
    version: 1,
    type: "String",
    sensitive: false,
    ...overrides,
  };
}

function missing(key: string, parameter = `/app/${key}`): MissingParameter {
  return { key, segments: key.split("."), parameter };
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
          buildTree(segmentLists.map((segments) => entry(segments.join("."), "v", { segments })));
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
