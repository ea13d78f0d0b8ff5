/** What the loader gives an event source: where to send message bodies and failures. */
export interface EventSink {
  /** Handles one message body; rejects when it is malformed or its refresh failed. */
  handle(body: string): Promise<unknown>;
  /** Reports a failure that concerns no single caller (a queue that cannot be read). */
  error(error: Error): void;
}

/**
 * A feed of change events (the `events` option of `createConfig`), started after the first
 * successful load and closed by `close()`.
 */
export interface ConfigEventSource {
  start(sink: EventSink): void;
  close(): Promise<void>;
}
