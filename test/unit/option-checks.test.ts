import { describe, expect, it } from "vitest";
import { isConfigLoadError } from "../../src/errors/config-load-error.js";
import {
  checkIntegerOption,
  checkNumberOption,
  isBetween,
} from "../../src/errors/option-checks.js";

/** The error `check` throws, or undefined. */
function thrown(check: () => unknown): unknown {
  try {
    check();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe("isBetween", () => {
  it.each([
    [5, true],
    [0, true],
    [10, true],
    [-1, false],
    [11, false],
    [Number.NaN, false],
    [Number.POSITIVE_INFINITY, false],
    ["5", false],
    [undefined, false],
  ])("isBetween(%s, 0, 10) is %s", (value, expected) => {
    expect(isBetween(value, 0, 10)).toBe(expected);
  });
});

describe("checkNumberOption", () => {
  it("returns a number inside the range, bounds included", () => {
    // Act
    const values = [0, 2.5, 10].map((value) =>
      checkNumberOption("fileSource", "debounceMs", value, { min: 0, max: 10 }),
    );

    // Assess
    expect(values).toEqual([0, 2.5, 10]);
  });

  it.each([
    ["below the range", -1],
    ["above the range", 11],
    ["NaN", Number.NaN],
    ["Infinity", Number.POSITIVE_INFINITY],
    ["a numeric string", "5"],
  ])("refuses %s with an options error that starts with the factory's name", (_, value) => {
    // Act
    const error = thrown(() =>
      checkNumberOption("fileSource", "debounceMs", value, { min: 0, max: 10 }),
    );

    // Assess
    expect(isConfigLoadError(error)).toBe(true);
    expect(error).toMatchObject({
      reason: "options",
      message: `fileSource: debounceMs must be a number of milliseconds from 0 to 10, not ${String(value)}.`,
    });
  });

  it("names the range as told: what a value is, and bounds taken from other options", () => {
    // Act
    const error = thrown(() =>
      checkNumberOption("createConfig", "refresh.backoffMaxMs", 5, {
        min: 100,
        max: 900,
        what: "a delay",
        minText: "backoffBaseMs (100)",
        maxText: "900 (15 minutes)",
      }),
    );

    // Assess
    expect((error as Error).message).toBe(
      "createConfig: refresh.backoffMaxMs must be a delay from backoffBaseMs (100) to 900 (15 minutes), not 5.",
    );
  });
});

describe("checkIntegerOption", () => {
  it("returns a whole number inside the range", () => {
    expect(checkIntegerOption("ssmSource", "maxConcurrency", 3, { min: 1, max: 50 })).toBe(3);
  });

  it.each([
    ["a fraction", 1.5],
    ["zero, below the range", 0],
    ["NaN", Number.NaN],
  ])("refuses %s as a whole number", (_, value) => {
    // Act
    const error = thrown(() =>
      checkIntegerOption("ssmSource", "maxConcurrency", value, { min: 1, max: 50 }),
    );

    // Assess
    expect((error as Error).message).toBe(
      `ssmSource: maxConcurrency must be a whole number from 1 to 50, not ${String(value)}.`,
    );
  });
});
