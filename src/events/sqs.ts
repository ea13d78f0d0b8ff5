import { optionsError } from "../errors/config-load-error.js";
import { systemClock } from "../scheduling/clock.js";
import type { AwsClientLike } from "../sources/aws/client-defaults.js";
import type { ConfigEventSource, EventSink } from "./event-source.js";
import {
  checkQueueReading,
  consumeQueue,
  type QueueReading,
  type QueueReadingOptions,
} from "./queue-consumer.js";

/** The client surface the event sources need from SQS; any `SQSClient` satisfies it. */
export type SqsClientLike = AwsClientLike;

/** Options of {@link sqsEventSource}. */
export interface SqsEventSourceOptions extends QueueReadingOptions {
  /** The SQS client (an `SQSClient`); bring your own SDK version. */
  client: SqsClientLike;
  /** The queue an EventBridge rule delivers change events to. */
  queueUrl: string;
}

/**
 * Change events read from one SQS queue (EventBridge rule -> SQS), passed as `events` to
 * `createConfig`. It long-polls, hands each message to the loader, and deletes a message once
 * handled. A message that is not a change event is reported on `error` and left on the queue,
 * so the queue's redrive policy can move it to a dead-letter queue; one whose refresh failed is
 * left too, to be delivered again after a jittered, growing wait (not all instances of a fleet
 * at once). `close()` aborts the pending receive.
 *
 * A queue hands each message to one reader: use this for a single consumer, and
 * `snsEventSource` (`ssm-config/sns`) when several processes must all learn of each change.
 * Options are checked before any call.
 *
 * @example
 * createConfig({ schema, sources, events: sqsEventSource({ client: new SQSClient({}), queueUrl }) })
 */
export function sqsEventSource(options: SqsEventSourceOptions): ConfigEventSource {
  if (
    typeof options !== "object" ||
    options === null ||
    typeof options.client?.send !== "function"
  ) {
    throw optionsError("sqsEventSource", "pass { client, queueUrl } with an SQSClient as client.");
  }
  if (typeof options.queueUrl !== "string" || !/^https?:\/\/\S+$/.test(options.queueUrl)) {
    throw optionsError(
      "sqsEventSource",
      `queueUrl must be the queue's URL (https://sqs.<region>.amazonaws.com/<account>/<name>), not ${JSON.stringify(options.queueUrl)}.`,
    );
  }
  return new SqsEventSource(
    options.client,
    options.queueUrl,
    checkQueueReading("sqsEventSource", options),
  );
}

class SqsEventSource implements ConfigEventSource {
  readonly #client: SqsClientLike;
  readonly #queueUrl: string;
  readonly #reading: QueueReading;
  readonly #abort = new AbortController();
  #loop: Promise<void> | undefined;

  constructor(client: SqsClientLike, queueUrl: string, reading: QueueReading) {
    this.#client = client;
    this.#queueUrl = queueUrl;
    this.#reading = reading;
  }

  start(sink: EventSink): void {
    if (this.#loop || this.#abort.signal.aborted) return;
    const queueUrl = this.#queueUrl;
    this.#loop = consumeQueue(
      {
        client: this.#client,
        reading: this.#reading,
        clock: sink.clock ?? systemClock,
        signal: this.#abort.signal,
        queueUrl: () => queueUrl,
      },
      sink,
    ).catch((error: unknown) => {
      // The loop catches everything itself; this is the last line against an unhandled rejection.
      if (!this.#abort.signal.aborted)
        sink.error(error instanceof Error ? error : new Error(String(error)));
    });
  }

  async close(): Promise<void> {
    this.#abort.abort();
    await this.#loop;
  }
}
