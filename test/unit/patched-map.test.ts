import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PatchedMap, patchedKeys } from "../../src/sources/patched-map.js";

type Step = readonly [string, number | undefined];

const keys = fc.constantFrom<string>("a", "b", "c", "d", "e", "f", "g", "h");
const step = fc.tuple(keys, fc.option(fc.integer({ min: 0, max: 9 }), { nil: undefined }));
/** A few patches in a row, each a list of sets (a number) and deletes (`undefined`). */
const patches = fc.array(fc.array(step, { maxLength: 6 }), { maxLength: 6 });

/** What a copy of `map` given the same `set` and `delete` calls holds, in order. */
function copied(map: ReadonlyMap<string, number>, steps: readonly Step[]): Map<string, number> {
  const copy = new Map(map);
  for (const [key, value] of steps) {
    if (value === undefined) copy.delete(key);
    else copy.set(key, value);
  }
  return copy;
}

describe("PatchedMap", () => {
  it("reads, counts and iterates exactly as a copy patched with the same calls", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(keys, fc.integer()), { maxLength: 8 }),
        patches,
        (initial, runs) => {
          let expected = new Map(initial);
          let actual: ReadonlyMap<string, number> = new Map(initial);
          for (const steps of runs) {
            const previous = actual;
            const before = [...previous];
            expected = copied(expected, steps);
            actual = PatchedMap.apply(previous, steps);
            expect([...actual]).toEqual([...expected]);
            expect([...actual.keys()]).toEqual([...expected.keys()]);
            expect([...actual.values()]).toEqual([...expected.values()]);
            expect(actual.size).toBe(expected.size);
            for (const key of ["a", "b", "c", "d", "e", "f", "g", "h"]) {
              expect(actual.get(key)).toBe(expected.get(key));
              expect(actual.has(key)).toBe(expected.has(key));
            }
            const visited: Array<[string, number]> = [];
            actual.forEach((value, key) => {
              visited.push([key, value]);
            });
            expect(visited).toEqual([...expected]);
            // The previous map is not changed by the patch made from it.
            expect([...previous]).toEqual(before);
          }
        },
      ),
    );
  });

  it("leaves the map it was made from unchanged", () => {
    const base = new Map([
      ["a", 1],
      ["b", 2],
    ]);
    const first = PatchedMap.apply(base, [["a", 10]]);
    const second = PatchedMap.apply(first, [
      ["b", undefined],
      ["c", 3],
    ]);
    expect([...base]).toEqual([
      ["a", 1],
      ["b", 2],
    ]);
    expect([...first]).toEqual([
      ["a", 10],
      ["b", 2],
    ]);
    expect([...second]).toEqual([
      ["a", 10],
      ["c", 3],
    ]);
  });

  it("folds a patch that has grown large into a plain map", () => {
    const base = new Map(Array.from({ length: 10_000 }, (_, index) => [`k${index}`, index]));
    let map: ReadonlyMap<string, number> = base;
    let folded = 0;
    for (let index = 0; index < 1_000; index++) {
      map = PatchedMap.apply(map, [[`k${index}`, -index]]);
      if (!(map instanceof PatchedMap)) folded++;
    }
    // sqrt(10,000) = 100 changes per patch at most: 1,000 changes fold about ten times.
    expect(folded).toBeGreaterThanOrEqual(9);
    expect(folded).toBeLessThanOrEqual(11);
    expect(map.get("k999")).toBe(-999);
    expect(map.get("k1000")).toBe(1000);
    expect(map.size).toBe(10_000);
  });
});

describe("patchedKeys", () => {
  it("names the keys two patches of one base may differ at, and no other", () => {
    const base = new Map(Array.from({ length: 100 }, (_, index) => [`k${index}`, index]));
    const first = PatchedMap.apply(base, [["k1", -1]]);
    const second = PatchedMap.apply(first, [
      ["k2", undefined],
      ["new", 7],
    ]);
    expect(patchedKeys(base, first)).toEqual(new Set(["k1"]));
    expect(patchedKeys(first, second)).toEqual(new Set(["k1", "k2", "new"]));
  });

  it("says nothing about maps that are not patches of one base", () => {
    const first = new Map([["a", 1]]);
    const second = new Map([["a", 2]]);
    expect(patchedKeys(first, second)).toBeUndefined();
    expect(patchedKeys(PatchedMap.apply(first, [["a", 3]]), second)).toBeUndefined();
  });
});
