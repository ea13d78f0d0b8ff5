import { ConfigLoadError, optionsError } from "../errors/config-load-error.js";
import { checkIntegerOption, checkNumberOption } from "../errors/option-checks.js";
import { fullJitterBackoff, pause } from "../scheduling/backoff.js";
import { type Clock, MAX_TIMER_MS } from "../scheduling/clock.js";
import { awsErrorName, toLoadError } from "../sources/aws/aws-errors.js";
import type { AwsClientLike } from "../sources/aws/client-defaults.js";
import { EventFormatError } from "./aws-events.js";
import type { EventSink } from "./event-source.js";

/** How a queue is read: the options `sqsEventSource` and `snsEventSource` share. */
export interface QueueReadingOptions {
  /** Long-poll wait per receive, 0-20 seconds. @default 20 */
  waitTimeSeconds?: number;
  /** First backoff bound after SQS fails, in ms. @default 1000 */
  backoffBaseMs?: number;
  /** Longest wait between attempts while SQS keeps failing, in ms. @default 30000 */
  backoffMaxMs?: number;
  /**
   * A message whose refresh failed (e.g. throttled) is made visible again after a random wait
   * up to this bound (ms), doubling per failure of that message, so that a fleet does not retry
   * in step when the queue's visibility timeout ends. @default 5000
   */
  redeliveryBaseMs?: number;
  /** Longest such wait, in ms (SQS allows 12 hours). @default 300000 */
  redeliveryMaxMs?: number;
}

/** {@link QueueReadingOptions} checked, with their defaults filled in. */
export type QueueReading = Required<QueueReadingOptions>;

/** SQS's longest visibility timeout: 12 hours. */
const MAX_VISIBILITY_MS = 43_200_000;

/**
 * Checks the reading options of a queue-based event source and fills in defaults. Throws
 * `optionsError(factory, ...)` before any call: a NaN or negative backoff would otherwise make
 * the loop call a failing SQS without pause.
 */
export function checkQueueReading(factory: string, options: QueueReadingOptions): QueueReading {
  const wait = checkIntegerOption(factory, "waitTimeSeconds", options.waitTimeSeconds ?? 20, {
    min: 0,
    max: 20,
  });
  const duration = (name: keyof QueueReadingOptions, fallback: number, min: number, max: number) =>
    checkNumberOption(factory, name, options[name] ?? fallback, { min, max });
  const backoffBaseMs = duration("backoffBaseMs", 1_000, 1, MAX_TIMER_MS);
  const backoffMaxMs = duration("backoffMaxMs", Math.max(30_000, backoffBaseMs), 1, MAX_TIMER_MS);
  if (backoffMaxMs < backoffBaseMs) {
    throw optionsError(factory, "backoffMaxMs must be at least backoffBaseMs.");
  }
  // ChangeMessageVisibility counts whole seconds, so a bound under one second means one second.
  const redeliveryBaseMs = duration("redeliveryBaseMs", 5_000, 1_000, MAX_VISIBILITY_MS);
  const redeliveryMaxMs = duration(
    "redeliveryMaxMs",
    Math.max(300_000, redeliveryBaseMs),
    1_000,
    MAX_VISIBILITY_MS,
  );
  if (redeliveryMaxMs < redeliveryBaseMs) {
    throw optionsError(factory, "redeliveryMaxMs must be at least redeliveryBaseMs.");
  }
  return { waitTimeSeconds: wait, backoffBaseMs, backoffMaxMs, redeliveryBaseMs, redeliveryMaxMs };
}

/** True for SQS's "this queue does not exist" in any of the SDK's and moto's spellings. */
export function isMissingQueue(error: unknown): boolean {
  const name = awsErrorName(error);
  return (
    name === "QueueDoesNotExist" ||
    name === "AWS.SimpleQueueService.NonExistentQueue" ||
    name === "NonExistentQueue" ||
    (error instanceof Error && /NonExistentQueue/.test(error.message))
  );
}

/** What the loop acts on when it has no queue to read: the same as SQS saying it is gone. */
function missingQueueError(): Error {
  return Object.assign(new Error("There is no queue to read (setting a new one up failed)."), {
    name: "QueueDoesNotExist",
  });
}

/** Everything {@link consumeQueue} needs besides the sink. */
export interface QueueConsumer {
  readonly client: AwsClientLike;
  readonly reading: QueueReading;
  readonly clock: Clock;
  /** Aborts the pending receive and ends the loop. */
  readonly signal: AbortSignal;
  /**
   * The queue to read now; `snsEventSource` replaces its queue when it was swept, and has none
   * while making a new one failed (`undefined`: `onMissingQueue` is asked again).
   */
  queueUrl(): string | undefined;
  /**
   * Called when SQS says the queue does not exist; resolves true once a new queue is ready. Absent
   * (or false): the failure is reported and retried with backoff like any other.
   */
  onMissingQueue?(error: unknown): Promise<boolean>;
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
 * The long-poll loop behind `sqsEventSource` and `snsEventSource`: receive up to 10 messages,
 * hand each to the loader, delete those handled, and hide those whose refresh failed for a
 * jittered, growing time. A message that is not a change event is reported and left for the
 * queue's redrive policy. SQS failures are reported and retried with full-jitter backoff. Runs
 * until `signal` aborts; never rejects.
 */
export async function consumeQueue(consumer: QueueConsumer, sink: EventSink): Promise<void> {
  const { ReceiveMessageCommand, DeleteMessageBatchCommand, ChangeMessageVisibilityCommand } =
    await import("@aws-sdk/client-sqs");
  const { client, reading, clock, signal } = consumer;
  /** Failed handling attempts per message id, for the redelivery backoff. */
  const failures = new Map<string, number>();
  let receiveFailures = 0;

  const handleAll = async (messages: QueueMessage[]): Promise<QueueMessage[]> => {
    // Concurrently: the loader coalesces them into one fetch.
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
  };

  const remove = async (messages: QueueMessage[], queueUrl: string): Promise<void> => {
    for (const message of messages) failures.delete(message.MessageId ?? "");
    const entries = messages
      .filter((message) => message.ReceiptHandle)
      .map((message, index) => ({
        Id: String(index),
        ReceiptHandle: message.ReceiptHandle as string,
      }));
    try {
      // At most 10 messages are received at once, so one batch always suffices.
      const response = (await client.send(
        new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }),
        { abortSignal: signal },
      )) as { Failed?: Array<{ Id?: string; Message?: string }> };
      if (response.Failed?.length) {
        sink.error(
          new ConfigLoadError(
            `SQS did not delete ${response.Failed.length} handled message(s); they will be handled again (harmless).`,
            { parameter: queueUrl },
          ),
        );
      }
    } catch (error) {
      if (!signal.aborted) sink.error(toLoadError(error, queueUrl, "SQS"));
    }
  };

  /**
   * Hides messages whose refresh failed for a jittered, growing time instead of the queue's fixed
   * visibility timeout. Unparseable messages are included: their growing wait keeps them from
   * spinning until the redrive policy moves them away.
   */
  const delayRedelivery = async (messages: QueueMessage[], queueUrl: string): Promise<void> => {
    await Promise.all(
      messages.map(async (message) => {
        if (!message.ReceiptHandle) return;
        const id = message.MessageId ?? message.ReceiptHandle;
        const attempt = (failures.get(id) ?? 0) + 1;
        failures.delete(id);
        failures.set(id, attempt);
        if (failures.size > MAX_TRACKED_FAILURES) {
          failures.delete(failures.keys().next().value as string);
        }
        const wait = fullJitterBackoff(
          attempt,
          reading.redeliveryBaseMs,
          reading.redeliveryMaxMs,
          () => clock.random(),
        );
        const seconds = Math.min(Math.max(1, Math.ceil(wait / 1000)), MAX_VISIBILITY_MS / 1000);
        try {
          await client.send(
            new ChangeMessageVisibilityCommand({
              QueueUrl: queueUrl,
              ReceiptHandle: message.ReceiptHandle,
              VisibilityTimeout: seconds,
            }),
            { abortSignal: signal },
          );
        } catch {
          // The queue's own visibility timeout still brings the message back.
        }
      }),
    );
  };

  while (!signal.aborted) {
    const started = clock.now();
    const queueUrl = consumer.queueUrl();
    let messages: QueueMessage[];
    try {
      if (queueUrl === undefined) throw missingQueueError();
      const response = (await client.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: reading.waitTimeSeconds,
        }),
        { abortSignal: signal },
      )) as { Messages?: QueueMessage[] };
      messages = response.Messages ?? [];
      receiveFailures = 0;
    } catch (error) {
      if (signal.aborted) return;
      if (isMissingQueue(error) && consumer.onMissingQueue) {
        if (await consumer.onMissingQueue(error)) continue;
      } else {
        sink.error(toLoadError(error, queueUrl ?? "(no queue)", "SQS"));
      }
      receiveFailures++;
      await pause(
        clock,
        fullJitterBackoff(receiveFailures, reading.backoffBaseMs, reading.backoffMaxMs, () =>
          clock.random(),
        ),
        signal,
      );
      continue;
    }
    if (messages.length === 0) {
      if (clock.now() - started < MIN_EMPTY_RECEIVE_MS)
        await pause(clock, EMPTY_RECEIVE_PAUSE_MS, signal);
      continue;
    }
    const handled = await handleAll(messages);
    if (handled.length > 0 && !signal.aborted) await remove(handled, queueUrl);
    const failed = messages.filter((message) => !handled.includes(message));
    if (failed.length > 0 && !signal.aborted) await delayRedelivery(failed, queueUrl);
  }
}
