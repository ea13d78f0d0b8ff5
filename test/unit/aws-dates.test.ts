import { describe, expect, it } from "vitest";
import { toDate } from "../../src/sources/aws/aws-dates.js";
import { readKeyAnyCase } from "../../src/sources/aws/aws-json.js";

describe("toDate reads a date in any form AWS gives it", () => {
  it.each([
    ["a Date", new Date("2024-06-01T00:00:00Z")],
    ["an ISO string", "2024-06-01T00:00:00Z"],
    ["epoch seconds", 1717200000],
    ["epoch seconds as a string", "1717200000"],
    ["epoch milliseconds", 1717200000000],
  ])("reads %s", (_, value) => {
    // Act
    const date = toDate(value);

    // Assess
    expect(date?.toISOString()).toBe("2024-06-01T00:00:00.000Z");
  });

  it.each([
    ["an invalid Date", new Date(Number.NaN)],
    ["text that is not a date", "soon"],
    ["an empty string", ""],
    ["null", null],
    ["an object", {}],
  ])("returns undefined for %s", (_, value) => {
    // Act
    const date = toDate(value);

    // Assess
    expect(date).toBeUndefined();
  });
});

describe("readKeyAnyCase", () => {
  it("reads a field whatever the case of its key, and undefined when absent", () => {
    // Prepare
    const record = { versionId: "v-1" };

    // Act
    const found = [readKeyAnyCase(record, "VersionId"), readKeyAnyCase(record, "Name")];

    // Assess
    expect(found).toEqual(["v-1", undefined]);
  });
});
