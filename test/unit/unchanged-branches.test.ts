import { describe, expect, it } from "vitest";
import { keepUnchangedBranches } from "../../src/loader/unchanged-branches.js";

function frozenCopy<T>(value: T): T {
  const copy = structuredClone(value);
  const freeze = (item: unknown) => {
    if (typeof item !== "object" || item === null) return;
    for (const child of Object.values(item)) freeze(child);
    Object.freeze(item);
  };
  freeze(copy);
  return copy;
}

describe("keepUnchangedBranches", () => {
  const previous = frozenCopy({
    db: { host: "db.internal", port: 5432, tags: ["a", "b"] },
    cache: { ttl: 60, hosts: [{ name: "c1" }, { name: "c2" }] },
    flags: { beta: false },
  });

  it("replaces every branch equal to the previous one's by that one, and keeps changed ones", () => {
    const next = structuredClone(previous) as {
      db: { host: string; port: number; tags: string[] };
      cache: { ttl: number; hosts: Array<{ name: string }> };
      flags: { beta: boolean };
    };
    next.cache.hosts[1] = { name: "c3" };
    const kept = keepUnchangedBranches(next, previous);
    expect(kept).toBe(next);
    expect(kept.db).toBe(previous.db);
    expect(kept.flags).toBe(previous.flags);
    expect(kept.cache).not.toBe(previous.cache);
    expect(kept.cache.hosts).not.toBe(previous.cache.hosts);
    expect(kept.cache.hosts[0]).toBe(previous.cache.hosts[0]);
    expect(kept.cache.hosts[1]).toEqual({ name: "c3" });
    expect(kept).toEqual({
      ...previous,
      cache: { ttl: 60, hosts: [{ name: "c1" }, { name: "c3" }] },
    });
  });

  it("returns the previous snapshot itself when everything is equal", () => {
    expect(keepUnchangedBranches(structuredClone(previous), previous)).toBe(previous);
  });

  it("tells apart values that are equal only loosely: NaN is kept, -0 is not 0, order matters", () => {
    const before = frozenCopy({ a: { n: Number.NaN }, b: { z: 0 }, c: { x: 1, y: 2 } });
    const next = { a: { n: Number.NaN }, b: { z: -0 }, c: { y: 2, x: 1 } };
    const kept = keepUnchangedBranches(next, before);
    expect(kept.a).toBe(before.a);
    expect(Object.is(kept.b.z, -0)).toBe(true);
    expect(Object.keys(kept.c)).toEqual(["y", "x"]);
  });

  it("keeps a branch with a key added or removed, or an array that grew", () => {
    const before = frozenCopy({ a: { x: 1 }, b: { x: 1, y: 2 }, list: [1, 2] });
    const next = { a: { x: 1, y: undefined }, b: { x: 1 }, list: [1, 2, 3] };
    const kept = keepUnchangedBranches(next, before);
    expect(kept.a).not.toBe(before.a);
    expect(Object.hasOwn(kept.a, "y")).toBe(true);
    expect(kept.b).not.toBe(before.b);
    expect(kept.list).toEqual([1, 2, 3]);
  });

  it("shares class instances and frozen objects only when they are the same object", () => {
    const when = new Date(0);
    const before = frozenCopy({ a: { at: 1 } }) as { a: { at: unknown } };
    const next = { a: { at: when } };
    expect(keepUnchangedBranches(next, before).a.at).toBe(when);
    const again = { a: { at: new Date(0) } };
    expect(keepUnchangedBranches(again, { a: { at: when } }).a).not.toBe(when);
  });

  it("leaves an object with symbol keys as the schema made it", () => {
    const tag = Symbol("tag");
    const before = frozenCopy({ a: { x: 1 } });
    const next = { a: { x: 1, [tag]: true } };
    expect(keepUnchangedBranches(next, before).a).toBe(next.a);
  });

  it("copies an own __proto__ key as an own property, never through the setter", () => {
    const before = frozenCopy(JSON.parse('{"a":{"__proto__":{"x":1}},"b":1}'));
    const next = JSON.parse('{"a":{"__proto__":{"x":1},"y":2},"b":1}');
    const kept = keepUnchangedBranches(next, before);
    expect(Object.getPrototypeOf(kept.a)).toBe(Object.prototype);
    expect(Object.hasOwn(kept.a, "__proto__")).toBe(true);
    const own = (object: unknown) => Object.getOwnPropertyDescriptor(object, "__proto__")?.value;
    expect(own(kept.a)).toBe(own(before.a));
  });

  it("stops comparing below 64 levels, so that no depth overflows the stack", () => {
    const deep = (depth: number) => {
      let node: Record<string, unknown> = { leaf: 1 };
      for (let level = 0; level < depth; level++) node = { child: node };
      return node;
    };
    const before = deep(100_000);
    const next = deep(100_000);
    let kept: unknown;
    expect(() => {
      kept = keepUnchangedBranches(next, before);
    }).not.toThrow();
    // Too deep to prove equal: kept as the schema made it.
    expect(kept).toBe(next);
  });
});
