import type { SQSClient } from "@aws-sdk/client-sqs";
import { ConfigLoadError } from "../errors/config-load-error.js";
import { fullJitterBackoff, sleep } from "../scheduling/backoff.js";
import { toLoadError } from "../sources/aws/aws-errors.js";
import type { AwsClientLike } from "../sources/aws/client-defaults.js";
import { EventFormatError } from "./aws-events.js";
import type { ConfigEventSource, EventSink } from "./event-source.js";

/** Options of {@link sqsEventSource}. */
export interface SqsEventSourceOptions {
  /** The SQS client; bring your own SDK version. */
  client: SQSClient | AwsClientLike;
  /** The queue an EventBridge rule delivers change events to. */
  queueUrl: string;
  /** Long-poll wait per receive, 0-20 seconds. @default 20 */
  waitTimeSeconds?: number;
  /** First backoff bound after SQS fails. @default 1000 */
  backoffBaseMs?: number;
  /** Longest wait between attempts while SQS keeps failing. @default 30000 */
  backoffMaxMs?: number;
  /**
   * A message whose refresh failed (e.g. throttled) is made visible again after a random wait
   * up to this bound, doubling per failure of that message, so that a fleet does not retry in
   * step when the queue's visibility timeout ends. @default 5000
   */
  redeliveryBaseMs?: number;
  /** Longest such wait (SQS allows 12 hours). @default 300000 */
  redeliveryMaxMs?: number;
}

/** Failed attempts per message, kept for this many messages at most (oldest forgotten first). */
const MAX_TRACKED_FAILURES = 1_000;

/** A receive that returns this fast with nothing in it is not waiting; pause so as not to spin. */
const MIN_EMPTY_RECEIVE_MS = 200;
const EMPTY_RECEIVE_PAUSE_MS = 1_000;

interface QueueMessage {
  MessageId?: string;
  ReceiptHandle?: string;
  Body?: string;
}

/**
 * Change events read from an SQS queue (EventBridge rule -> SQS), passed as `events` to
 * `createConfig`. It long-polls, hands each message to the loader, and deletes a message once
 * handled. A message that is not a change event is reported on `error` and left on the queue,
 * so the queue's redrive policy can move it to a dead-letter queue; one whose refresh failed is
 * left too, to be delivered again after a jittered, growing wait (not all instances of a fleet
 * at once). `close()` aborts the pending receive.
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
    throw new ConfigLoadError(
      "sqsEventSource: pass { client, queueUrl } with an SQSClient as client.",
    );
  }
  if (typeof options.queueUrl !== "string" || !/^https?:\/\//.test(options.queueUrl)) {
    throw new ConfigLoadError(
      `sqsEventSource: queueUrl must be the queue's URL (https://sqs.<region>.amazonaws.com/<account>/<name>), not ${JSON.stringify(options.queueUrl)}.`,
    );
  }
  const wait = options.waitTimeSeconds ?? 20;
  if (!Number.isInteger(wait) || wait < 0 || wait > 20) {
    throw new ConfigLoadError(
      "sqsEventSource: waitTimeSeconds must be a whole number from 0 to 20.",
    );
  }
  return new SqsEventSource(options, wait);
}

class SqsEventSource implements ConfigEventSource {
  readonly #options: SqsEventSourceOptions;
  readonly #wait: number;
  readonly #abort = new AbortController();
  /** Failed handling attempts per message id, for the redelivery backoff. */
  readonly #failures = new Map<string, number>();
  #loop: Promise<void> | undefined;

  constructor(options: SqsEventSourceOptions, wait: number) {
    this.#options = options;
    this.#wait = wait;
  }

  start(sink: EventSink): void {
    if (this.#loop || this.#abort.signal.aborted) return;
    this.#loop = this.#run(sink).catch((error: unknown) => {
      // The loop catches everything itself; this is the last line against an unhandled rejection.
      if (!this.#abort.signal.aborted)
        sink.error(error instanceof Error ? error : new Error(String(error)));
    });
  }

  async close(): Promise<void> {
    this.#abort.abort();
    await this.#loop;
  }

  async #run(sink: EventSink): Promise<void> {
    const { ReceiveMessageCommand, DeleteMessageBatchCommand, ChangeMessageVisibilityCommand } =
      await import("@aws-sdk/client-sqs");
    const { client, queueUrl } = this.#options;
    const signal = this.#abort.signal;
    let failures = 0;
    while (!signal.aborted) {
      const started = Date.now();
      let messages: QueueMessage[];
      try {
        const response = (await client.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: this.#wait,
          }),
          { abortSignal: signal },
        )) as { Messages?: QueueMessage[] };
        messages = response.Messages ?? [];
        failures = 0;
      } catch (error) {
        if (signal.aborted) return;
        failures++;
        sink.error(toLoadError(error, queueUrl, "SQS"));
        await sleep(
          fullJitterBackoff(
            failures,
            this.#options.backoffBaseMs ?? 1_000,
            this.#options.backoffMaxMs ?? 30_000,
          ),
          signal,
        );
        continue;
      }
      if (messages.length === 0) {
        if (Date.now() - started < MIN_EMPTY_RECEIVE_MS)
          await sleep(EMPTY_RECEIVE_PAUSE_MS, signal);
        continue;
      }
      const handled = await this.#handleAll(messages, sink);
      if (handled.length > 0 && !signal.aborted)
        await this.#delete(handled, sink, DeleteMessageBatchCommand);
      const failed = messages.filter((message) => !handled.includes(message));
      if (failed.length > 0 && !signal.aborted) {
        await this.#delayRedelivery(failed, ChangeMessageVisibilityCommand);
      }
    }
  }

  /** Handles messages concurrently (the loader coalesces them); returns those to delete. */
  async #handleAll(messages: QueueMessage[], sink: EventSink): Promise<QueueMessage[]> {
    const outcomes = await Promise.all(
      messages.map(async (message) => {
        try {
          await sink.handle(message.Body ?? "");
          return true;
        } catch (error) {
          if (error instanceof EventFormatError) {
            sink.error(
              new EventFormatError(
                `SQS message ${message.MessageId ?? "(no id)"} is not a change event and stays on the queue for its redrive policy: ${error.message}`,
              ),
            );
          }
          // Other failures were reported by the loader; the message will be delivered again.
          return false;
        }
      }),
    );
    return messages.filter((_, index) => outcomes[index]);
  }

  /**
   * Hides messages whose refresh failed for a jittered, growing time instead of the queue's fixed
   * visibility timeout. Unparseable messages are included: their growing wait keeps them from
   * spinning until the redrive policy moves them away.
   */
  async #delayRedelivery(
    messages: QueueMessage[],
    ChangeMessageVisibilityCommand: typeof import("@aws-sdk/client-sqs").ChangeMessageVisibilityCommand,
  ): Promise<void> {
    const base = this.#options.redeliveryBaseMs ?? 5_000;
    const max = this.#options.redeliveryMaxMs ?? 300_000;
    await Promise.all(
      messages.map(async (message) => {
        if (!message.ReceiptHandle) return;
        const id = message.MessageId ?? message.ReceiptHandle;
        const attempt = (this.#failures.get(id) ?? 0) + 1;
        this.#failures.delete(id);
        this.#failures.set(id, attempt);
        if (this.#failures.size > MAX_TRACKED_FAILURES) {
          this.#failures.delete(this.#failures.keys().next().value as string);
        }
        const seconds = Math.max(1, Math.ceil(fullJitterBackoff(attempt, base, max) / 1000));
        try {
          await this.#options.client.send(
            new ChangeMessageVisibilityCommand({
              QueueUrl: this.#options.queueUrl,
              ReceiptHandle: message.ReceiptHandle,
              VisibilityTimeout: Math.min(seconds, 43_200),
            }),
            { abortSignal: this.#abort.signal },
          );
        } catch {
          // The queue's own visibility timeout still brings the message back.
        }
      }),
    );
  }

  async #delete(
    messages: QueueMessage[],
    sink: EventSink,
    DeleteMessageBatchCommand: typeof import("@aws-sdk/client-sqs").DeleteMessageBatchCommand,
  ): Promise<void> {
    for (const message of messages) this.#failures.delete(message.MessageId ?? "");
    const entries = messages
      .filter((message) => message.ReceiptHandle)
      .map((message, index) => ({
        Id: String(index),
        ReceiptHandle: message.ReceiptHandle as string,
      }));
    try {
      // At most 10 messages are received at once, so one batch always suffices.
      const response = (await this.#options.client.send(
        new DeleteMessageBatchCommand({ QueueUrl: this.#options.queueUrl, Entries: entries }),
        { abortSignal: this.#abort.signal },
      )) as { Failed?: Array<{ Id?: string; Message?: string }> };
      if (response.Failed?.length) {
        sink.error(
          new ConfigLoadError(
            `SQS did not delete ${response.Failed.length} handled message(s); they will be handled again (harmless).`,
            { parameter: this.#options.queueUrl },
          ),
        );
      }
    } catch (error) {
      if (!this.#abort.signal.aborted)
        sink.error(toLoadError(error, this.#options.queueUrl, "SQS"));
    }
  }
}
