import type { Clock } from "../scheduling/clock.js";
import type { SourceWatches } from "../sources/contract.js";

/** What the loader gives an event source: where to send message bodies and failures. */
export interface EventSink {
  /** Handles one message body; rejects when it is malformed or its refresh failed. */
  handle(body: string): Promise<unknown>;
  /** Reports a failure that concerns no single caller (a queue that cannot be read). */
  error(error: Error): void;
  /** The loader's clock: event sources time their waits with it. @default the system clock */
  readonly clock?: Clock;
  /** What the loader's sources read from AWS, so that a feed can filter events at the producer. */
  interests?(): SourceWatches;
  /** A full (version-only) check, e.g. once a feed is subscribed, to cover changes made before. */
  refresh?(): Promise<unknown>;
}

/**
 * A feed of change events (the `events` option of `createConfig`), started after the first
 * successful load and closed by `close()`.
 */
export interface ConfigEventSource {
  start(sink: EventSink): void;
  close(): Promise<void>;
}
