import { afterAll, beforeAll, expect } from "vitest";
import type { Clock } from "../../src/index.js";
import { systemClock } from "../../src/scheduling/clock.js";
import { seededRandom } from "../support/random.js";

/**
 * Fails the file when any promise rejection goes unhandled while its tests run. vitest already
 * fails the whole run on one (its default, `dangerouslyIgnoreUnhandledErrors: false`); this
 * names the file and the reason next to the tests that caused it.
 */
export function failOnUnhandledRejections(): void {
  const seen: unknown[] = [];
  const collect = (reason: unknown) => {
    seen.push(reason);
  };
  beforeAll(() => {
    process.on("unhandledRejection", collect);
  });
  afterAll(async () => {
    // Let rejections of the last test surface before checking.
    await new Promise((resolve) => setTimeout(resolve, 50));
    process.off("unhandledRejection", collect);
    expect(seen.map((reason) => String(reason))).toEqual([]);
  });
}

/**
 * The system clock with a seeded `random()`, so that jitter and backoff draw the same numbers
 * every run. With `floor`, draws fall in [floor, 1): full-jitter waits then stay in the upper
 * part of their bound, so that growing bounds show as growing waits whatever the seed.
 */
export function seededClock(seed: number, floor = 0): Clock {
  const random = seededRandom(seed);
  return { ...systemClock, random: () => floor + (1 - floor) * random() };
}

/**
 * SDK client settings that bound the time of every call: a connection timeout, a request
 * timeout that throws (the SDK only logs a warning without `throwOnRequestTimeout`), and the
 * number of attempts.
 */
export function boundedClient(
  maxAttempts: number,
  requestTimeout: number,
  connectionTimeout = Math.min(requestTimeout, 1_000),
): Record<string, unknown> {
  return {
    maxAttempts,
    requestHandler: { connectionTimeout, requestTimeout, throwOnRequestTimeout: true },
  };
}

/** Prints a measured figure so that a run shows what docs/RELIABILITY.md states. */
export function reportFigure(name: string, value: unknown): void {
  console.info(
    `[reliability] ${name}: ${typeof value === "string" ? value : JSON.stringify(value)}`,
  );
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((sum, value) => sum + value, 0) / values.length;
}
