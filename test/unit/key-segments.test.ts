import { describe, expect, it } from "vitest";
import { keySegments, segmentsIfNeeded } from "../../src/sources/contract.js";

describe("keySegments", () => {
  it("splits the key at its dots when the item has no segments", () => {
    expect(keySegments({ key: "db.pool.max" })).toEqual(["db", "pool", "max"]);
    expect(keySegments({ key: "level" })).toEqual(["level"]);
  });

  it("returns the item's own segments when it has them", () => {
    const segments = ["db", "max.conn"];
    expect(keySegments({ key: "db.max.conn", segments })).toBe(segments);
  });
});

describe("segmentsIfNeeded", () => {
  it("is undefined when the segments are the key split at its dots", () => {
    expect(segmentsIfNeeded("db.host", ["db", "host"])).toBeUndefined();
    expect(segmentsIfNeeded("level", ["level"])).toBeUndefined();
    expect(segmentsIfNeeded("a..b", ["a", "", "b"])).toBeUndefined();
  });

  it("keeps segments of which one holds a dot", () => {
    const segments = ["db", "max.conn"];
    expect(segmentsIfNeeded("db.max.conn", segments)).toBe(segments);
    expect(segmentsIfNeeded("a.b", ["a.b"])).toEqual(["a.b"]);
  });

  it("keeps segments that do not spell the key", () => {
    expect(segmentsIfNeeded("db.host", ["db", "port"])).toEqual(["db", "port"]);
    expect(segmentsIfNeeded("db.host", ["db"])).toEqual(["db"]);
    expect(segmentsIfNeeded("db", ["db", "host"])).toEqual(["db", "host"]);
    expect(segmentsIfNeeded("db-host", ["db", "host"])).toEqual(["db", "host"]);
    expect(segmentsIfNeeded("", [])).toEqual([]);
  });

  it("agrees with keySegments: the segments an entry holds or leaves out read back the same", () => {
    const cases: Array<[string, string[]]> = [
      ["db.host", ["db", "host"]],
      ["db.max.conn", ["db", "max.conn"]],
      ["a.b.c", ["a.b", "c"]],
      ["x", ["x"]],
    ];
    for (const [key, segments] of cases) {
      const kept = segmentsIfNeeded(key, segments);
      expect(keySegments(kept === undefined ? { key } : { key, segments: kept })).toEqual(segments);
    }
  });
});
