import { ConfigLoadError } from "../errors/config-load-error.js";
import type { ConfigEventSource } from "../events/event-source.js";
import type { Clock } from "../scheduling/clock.js";
import { checkPollingOptions, type PollingOptions } from "../scheduling/poller.js";
import { isStandardSchema, type StandardSchemaV1 } from "../schema/standard-schema.js";
import type { ConfigSource } from "../sources/contract.js";
import { ConfigLoader } from "./config-loader.js";

/** Options of {@link createConfig}. */
export interface CreateConfigOptions<Schema extends StandardSchemaV1> {
  /** A zod schema, or any Standard Schema v1 validator, for the whole configuration. */
  schema: Schema;
  /** Where values come from, in order: a later source overrides an earlier one key by key. */
  sources: readonly ConfigSource[];
  /** Periodic refresh; no polling when absent. */
  refresh?: PollingOptions;
  /** A feed of change events, e.g. `sqsEventSource(...)`; started after the first load. */
  events?: ConfigEventSource;
  /**
   * Waits a random time up to this many milliseconds before fetching what a change event names,
   * so that a fleet receiving the same event spreads its fetches instead of bursting. For N
   * instances sharing R requests a second, 1.5 to 2 × N / R seconds avoids throttling (the
   * fleet simulation in bench/ throttled at N / R and not at 1.6 × N / R). Keep it below
   * an SQS queue's visibility timeout. @default 0
   */
  eventSpreadMs?: number;
  /** Time source for scheduling; for simulations and tests. @default the system clock */
  clock?: Clock;
}

/**
 * Creates a typed configuration over one or more sources. Nothing is read until `load()`; the
 * options are checked now, so a mistake fails before any AWS call.
 *
 * @example
 * const config = createConfig({ schema: Config, sources: [ssmSource({ path: "/app/prod" })] });
 * const { db } = await config.load();
 */
export function createConfig<Schema extends StandardSchemaV1>(
  options: CreateConfigOptions<Schema>,
): ConfigLoader<StandardSchemaV1.InferOutput<Schema>> {
  if (typeof options !== "object" || options === null) {
    throw new ConfigLoadError("createConfig: pass an options object with a schema and sources.");
  }
  if (!isStandardSchema(options.schema)) {
    throw new ConfigLoadError(
      "createConfig: schema must be a zod schema or another Standard Schema v1 validator (an object with a '~standard' property), e.g. z.object({ ... }).",
    );
  }
  if (!Array.isArray(options.sources) || options.sources.length === 0) {
    throw new ConfigLoadError(
      'createConfig: sources must list at least one source, e.g. [ssmSource({ path: "/app/prod" })].',
    );
  }
  options.sources.forEach((source, index) => {
    if (
      typeof source !== "object" ||
      source === null ||
      typeof source.load !== "function" ||
      typeof source.refresh !== "function"
    ) {
      throw new ConfigLoadError(
        `createConfig: sources[${index}] is not a source; create one with ssmSource(), memorySource(), fileSource() or secretsManagerSource().`,
      );
    }
  });
  if (options.refresh !== undefined) {
    if (typeof options.refresh !== "object" || options.refresh === null) {
      throw new ConfigLoadError(
        "createConfig: refresh must be an object such as { intervalMs: 60000, jitter: 0.1 }.",
      );
    }
    checkPollingOptions(options.refresh);
  }
  const spread = options.eventSpreadMs;
  if (spread !== undefined && (!Number.isFinite(spread) || spread < 0)) {
    throw new ConfigLoadError(
      `createConfig: eventSpreadMs must be a number of milliseconds >= 0, not ${spread}.`,
    );
  }
  const events = options.events;
  if (
    events !== undefined &&
    (typeof events?.start !== "function" || typeof events?.close !== "function")
  ) {
    throw new ConfigLoadError(
      "createConfig: events must be an event source such as sqsEventSource({ client, queueUrl }).",
    );
  }
  return new ConfigLoader<StandardSchemaV1.InferOutput<Schema>>({
    schema: options.schema as StandardSchemaV1<unknown, StandardSchemaV1.InferOutput<Schema>>,
    sources: [...options.sources],
    refresh: options.refresh ? { ...options.refresh } : undefined,
    events,
    eventSpreadMs: spread,
    clock: options.clock,
  });
}
