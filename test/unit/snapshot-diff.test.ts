import { describe, expect, it } from "vitest";
import { diffEntries } from "../../src/loader/snapshot-diff.js";
import { SensitiveString } from "../../src/sensitive.js";
import type { EntryValue, ParameterEntry } from "../../src/sources/contract.js";

function entry(
  key: string,
  version: number | string,
  value: unknown = `value-of-${key}`,
): ParameterEntry {
  return {
    key,
    segments: key.split("."),
    parameter: `/app/${key.replaceAll(".", "/")}`,
    value: value as EntryValue,
    version,
    type: "String",
    sensitive: false,
  };
}

const mapOf = (...entries: ParameterEntry[]) => new Map(entries.map((item) => [item.key, item]));

describe("diffEntries", () => {
  it("reports a new key as added, with its version", () => {
    // Act
    const changes = diffEntries(mapOf(), mapOf(entry("db.host", 1)));

    // Assess
    expect(changes).toEqual([
      { key: "db.host", parameter: "/app/db/host", kind: "added", version: 1 },
    ]);
  });

  it("reports a key whose version changed as updated, with both versions", () => {
    // Act
    const changes = diffEntries(mapOf(entry("db.host", 1)), mapOf(entry("db.host", 2)));

    // Assess
    expect(changes).toEqual([
      {
        key: "db.host",
        parameter: "/app/db/host",
        kind: "updated",
        previousVersion: 1,
        version: 2,
      },
    ]);
  });

  it("reports a key whose parameter changed as updated, naming the new parameter", () => {
    // Prepare
    const before = entry("db.host", 3);
    const after = { ...entry("db.host", 3), parameter: "/shared/db/host" };

    // Act
    const changes = diffEntries(mapOf(before), mapOf(after));

    // Assess
    expect(changes).toEqual([
      {
        key: "db.host",
        parameter: "/shared/db/host",
        kind: "updated",
        previousVersion: 3,
        version: 3,
      },
    ]);
  });

  it("reports a key that is gone as removed, with its previous version", () => {
    // Act
    const changes = diffEntries(mapOf(entry("stripe", "v-1")), mapOf());

    // Assess
    expect(changes).toEqual([
      { key: "stripe", parameter: "/app/stripe", kind: "removed", previousVersion: "v-1" },
    ]);
  });

  it("reports nothing for a key at the same version, even with another value object", () => {
    // Act
    const changes = diffEntries(mapOf(entry("a", 1, "x")), mapOf(entry("a", 1, "x")));

    // Assess
    expect(changes).toEqual([]);
  });

  it("lists changes in sorted key order", () => {
    // Prepare
    const before = mapOf(entry("m", 1), entry("z", 1));
    const after = mapOf(entry("z", 2), entry("b", 1), entry("a.c", 1));

    // Act
    const changes = diffEntries(before, after);

    // Assess
    expect(changes.map((change) => change.key)).toEqual(["a.c", "b", "m", "z"]);
  });

  it("never carries a value", () => {
    // Prepare
    const before = mapOf(
      entry("password", 1, new SensitiveString("hunter22")),
      entry("gone", 1, "old-secret"),
    );
    const after = mapOf(
      entry("password", 2, new SensitiveString("hunter23")),
      entry("new", 1, "new-secret"),
    );

    // Act
    const changes = diffEntries(before, after);

    // Assess
    const printed = JSON.stringify(changes);
    for (const value of ["hunter22", "hunter23", "old-secret", "new-secret", "REDACTED"])
      expect(printed).not.toContain(value);
    for (const change of changes) expect(Object.keys(change)).not.toContain("value");
  });
});
