import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  type ConfigLoadError,
  type CreateConfigOptions,
  createConfig,
  memorySource,
} from "../../../src/index.js";
import { clampDelay, MAX_TIMER_MS } from "../../../src/scheduling/clock.js";

type Options = CreateConfigOptions<z.ZodObject>;

function attempt(options: Partial<Options>): ConfigLoadError | undefined {
  try {
    createConfig({ schema: z.object({}), sources: [memorySource()], ...options } as Options);
    return undefined;
  } catch (error) {
    return error as ConfigLoadError;
  }
}

describe("createConfig option bounds", () => {
  it.each([
    ["refresh.intervalMs below 100 ms", { refresh: { intervalMs: 99 } }, /refresh\.intervalMs/],
    ["refresh.intervalMs NaN", { refresh: { intervalMs: Number.NaN } }, /refresh\.intervalMs/],
    [
      "refresh.intervalMs beyond the timer range",
      { refresh: { intervalMs: 2 ** 31 } },
      /intervalMs/,
    ],
    ["refresh.jitter above 1", { refresh: { intervalMs: 60_000, jitter: 1.5 } }, /jitter/],
    ["refresh.jitter negative", { refresh: { intervalMs: 60_000, jitter: -0.1 } }, /jitter/],
    [
      "refresh.backoffBaseMs below 100 ms",
      { refresh: { intervalMs: 60_000, backoffBaseMs: 1 } },
      /backoffBaseMs/,
    ],
    [
      "refresh.backoffMaxMs below the base",
      { refresh: { intervalMs: 60_000, backoffBaseMs: 1_000, backoffMaxMs: 10 } },
      /backoffMaxMs/,
    ],
    ["refresh.maxAgeMs negative", { refresh: { maxAgeMs: -1 } }, /refresh\.maxAgeMs/],
    ["refresh.maxAgeMs infinite", { refresh: { maxAgeMs: Number.POSITIVE_INFINITY } }, /maxAgeMs/],
    ["refresh with neither intervalMs nor maxAgeMs", { refresh: {} }, /intervalMs .*maxAgeMs/],
    ["refresh.jitter without polling", { refresh: { maxAgeMs: 1_000, jitter: 0.1 } }, /jitter/],
    ["eventSpreadMs negative", { eventSpreadMs: -1 }, /eventSpreadMs/],
    ["eventSpreadMs beyond 15 minutes", { eventSpreadMs: 1e12 }, /eventSpreadMs/],
    ["eventSpreadMs NaN", { eventSpreadMs: Number.NaN }, /eventSpreadMs/],
    ["a clock without setTimer", { clock: { now: () => 0 } as never }, /clock/],
  ])("refuses %s with an options error from createConfig", (_name, options, field) => {
    // Act
    const error = attempt(options as Partial<Options>);

    // Assess
    expect(error).toMatchObject({ name: "ConfigLoadError", reason: "options" });
    expect(error?.message).toMatch(/^createConfig: /);
    expect(error?.message).toMatch(field);
  });

  it.each([
    ["polling every 100 ms (the least)", { refresh: { intervalMs: 100 } }],
    ["an age limit alone", { refresh: { maxAgeMs: 30_000 } }],
    ["an age limit of 0 (check on every fresh())", { refresh: { maxAgeMs: 0 } }],
    ["polling and an age limit", { refresh: { intervalMs: 900_000, maxAgeMs: 30_000 } }],
    ["the longest event spread", { eventSpreadMs: 15 * 60_000 }],
  ])("accepts %s", (_name, options) => {
    // Act
    const error = attempt(options as Partial<Options>);

    // Assess
    expect(error).toBeUndefined();
  });

  it("refuses a bad schema, sources or events with reason options", () => {
    // Act
    const errors = [
      attempt({ schema: {} as never }),
      attempt({ sources: [] }),
      attempt({ events: {} as never }),
    ];

    // Assess
    for (const error of errors) expect(error).toMatchObject({ reason: "options" });
  });
});

describe("clampDelay", () => {
  it("keeps every delay within what Node's timers accept", () => {
    // Act
    const delays = [
      clampDelay(Number.NaN),
      clampDelay(-5),
      clampDelay(0),
      clampDelay(1_500),
      clampDelay(1e12),
      clampDelay(Number.POSITIVE_INFINITY),
    ];

    // Assess
    expect(delays).toEqual([0, 0, 0, 1_500, MAX_TIMER_MS, MAX_TIMER_MS]);
  });
});
