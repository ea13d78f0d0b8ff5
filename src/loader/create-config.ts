import { optionsError } from "../errors/config-load-error.js";
import { checkNumberOption } from "../errors/option-checks.js";
import type { ConfigEventSource } from "../events/event-source.js";
import { type Clock, MAX_TIMER_MS } from "../scheduling/clock.js";
import { checkPollingOptions, type PollingOptions } from "../scheduling/poller.js";
import { isStandardSchema, type StandardSchemaV1 } from "../schema/standard-schema.js";
import type { ConfigSource } from "../sources/contract.js";
import { ConfigLoader } from "./config-loader.js";

/** The longest `eventSpreadMs`: 15 minutes, beyond which an event is stale before it is fetched. */
export const MAX_EVENT_SPREAD_MS = 15 * 60_000;

/**
 * Options of `createConfig`'s `refresh`: polling (`intervalMs`, with `jitter` and backoff), an
 * age limit for `config.fresh()` (`maxAgeMs`), or both. At least one of the two is required.
 *
 * @example
 * refresh: { intervalMs: 60_000, jitter: 0.1 }   // a long-running service polls
 * refresh: { maxAgeMs: 30_000 }                  // Lambda: await config.fresh() per invocation
 */
export interface RefreshOptions extends Partial<PollingOptions> {
  /**
   * How old the last successful full check (load, `refresh()`, a poll) may be before
   * `config.fresh()` refreshes first; from 0 (every call checks) to 2^31 - 1 ms.
   * @default intervalMs, or 0 without polling
   */
  maxAgeMs?: number;
}

/** Options of {@link createConfig}. */
export interface CreateConfigOptions<Schema extends StandardSchemaV1> {
  /** A zod schema, or any Standard Schema v1 validator, for the whole configuration. */
  schema: Schema;
  /** Where values come from, in order: a later source overrides an earlier one key by key. */
  sources: readonly ConfigSource[];
  /** Periodic refresh and/or an age limit for `fresh()`; no polling without `intervalMs`. */
  refresh?: RefreshOptions;
  /** A feed of change events, e.g. `sqsEventSource(...)`; started after the first load. */
  events?: ConfigEventSource;
  /**
   * Waits a random time up to this many milliseconds (at most 15 minutes) before fetching what
   * a change event names, so that a fleet receiving the same event spreads its fetches instead
   * of bursting. For N instances sharing R requests a second, 1.5 to 2 × N / R seconds avoids
   * throttling (the fleet simulation in bench/ throttled at N / R and not at 1.6 × N / R). Keep
   * it below an SQS queue's visibility timeout. An awaited `handleEvent()` keeps the process
   * alive during the wait. @default 0
   */
  eventSpreadMs?: number;
  /** Time source for scheduling; for simulations and tests. @default the system clock */
  clock?: Clock;
}

/**
 * Creates a typed configuration over one or more sources. Nothing is read until `load()`; the
 * options are checked now, so a mistake fails (a `ConfigLoadError` with reason `options`)
 * before any AWS call.
 *
 * @example
 * const config = createConfig({ schema: Config, sources: [ssmSource({ path: "/app/prod" })] });
 * const { db } = await config.load();
 */
export function createConfig<Schema extends StandardSchemaV1>(
  options: CreateConfigOptions<Schema>,
): ConfigLoader<StandardSchemaV1.InferOutput<Schema>> {
  const fail = (message: string) => optionsError("createConfig", message);
  if (typeof options !== "object" || options === null) {
    throw fail("pass an options object with a schema and sources.");
  }
  if (!isStandardSchema(options.schema)) {
    throw fail(
      "schema must be a zod schema or another Standard Schema v1 validator (an object with a '~standard' property), e.g. z.object({ ... }).",
    );
  }
  if (!Array.isArray(options.sources) || options.sources.length === 0) {
    throw fail('sources must list at least one source, e.g. [ssmSource({ path: "/app/prod" })].');
  }
  options.sources.forEach((source, index) => {
    if (
      typeof source !== "object" ||
      source === null ||
      typeof source.load !== "function" ||
      typeof source.refresh !== "function"
    ) {
      throw fail(
        `sources[${index}] is not a source; create one with ssmSource(), memorySource(), fileSource() or secretsManagerSource().`,
      );
    }
  });
  const { polling, maxAgeMs } = checkRefresh(options.refresh);
  const spread = options.eventSpreadMs;
  if (spread !== undefined) {
    checkNumberOption("createConfig", "eventSpreadMs", spread, {
      min: 0,
      max: MAX_EVENT_SPREAD_MS,
      maxText: `${MAX_EVENT_SPREAD_MS} (15 minutes)`,
    });
  }
  const events = options.events;
  if (
    events !== undefined &&
    (typeof events?.start !== "function" || typeof events?.close !== "function")
  ) {
    throw fail("events must be an event source such as sqsEventSource({ client, queueUrl }).");
  }
  const clock = options.clock;
  if (
    clock !== undefined &&
    (typeof clock?.now !== "function" ||
      typeof clock.setTimer !== "function" ||
      typeof clock.clearTimer !== "function" ||
      typeof clock.random !== "function")
  ) {
    throw fail("clock must have now(), setTimer(), clearTimer() and random().");
  }
  return new ConfigLoader<StandardSchemaV1.InferOutput<Schema>>({
    schema: options.schema as StandardSchemaV1<unknown, StandardSchemaV1.InferOutput<Schema>>,
    sources: [...options.sources],
    polling,
    maxAgeMs,
    events,
    eventSpreadMs: spread,
    clock,
  });
}

/** Checks `refresh` and splits it into polling options and the age limit of `fresh()`. */
function checkRefresh(refresh: RefreshOptions | undefined): {
  polling: PollingOptions | undefined;
  maxAgeMs: number | undefined;
} {
  if (refresh === undefined) return { polling: undefined, maxAgeMs: undefined };
  if (typeof refresh !== "object" || refresh === null) {
    throw optionsError(
      "createConfig",
      "refresh must be an object such as { intervalMs: 60000, jitter: 0.1 } or { maxAgeMs: 30000 }.",
    );
  }
  const { maxAgeMs, ...pollingPart } = refresh;
  if (maxAgeMs !== undefined) {
    checkNumberOption("createConfig", "refresh.maxAgeMs", maxAgeMs, { min: 0, max: MAX_TIMER_MS });
  }
  if (pollingPart.intervalMs === undefined) {
    if (maxAgeMs === undefined) {
      throw optionsError(
        "createConfig",
        "refresh needs intervalMs (polling), maxAgeMs (an age limit for fresh()), or both.",
      );
    }
    const stray = Object.keys(pollingPart).filter(
      (key) => pollingPart[key as keyof typeof pollingPart] !== undefined,
    );
    if (stray.length > 0) {
      throw optionsError(
        "createConfig",
        `refresh.${stray[0]} applies to polling only; add intervalMs or remove it.`,
      );
    }
    return { polling: undefined, maxAgeMs };
  }
  const polling = { ...pollingPart, intervalMs: pollingPart.intervalMs };
  checkPollingOptions(polling);
  return { polling, maxAgeMs };
}
