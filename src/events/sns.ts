import { randomUUID } from "node:crypto";
import { optionsError } from "../errors/config-load-error.js";
import { checkNumberOption } from "../errors/option-checks.js";
import { fullJitterBackoff, pause } from "../scheduling/backoff.js";
import { type Clock, MAX_TIMER_MS, systemClock, type TimerHandle } from "../scheduling/clock.js";
import { type AwsClientLike, DEFAULT_REQUEST_HANDLER } from "../sources/aws/client-defaults.js";
import type { ConfigEventSource, EventSink } from "./event-source.js";
import { buildFilterPolicy } from "./filter-policy.js";
import {
  checkQueueReading,
  consumeQueue,
  isMissingQueue,
  type QueueReading,
  type QueueReadingOptions,
} from "./queue-consumer.js";
import {
  type FleetSdk,
  fleetError,
  HEARTBEAT_TAG,
  isNotFound,
  type SweepOutcome,
  sweepStaleQueues,
  TOPIC_TAG,
} from "./queue-sweep.js";
import {
  DEFAULT_QUEUE_PREFIX,
  QUEUE_PREFIX_PATTERN,
  TOPIC_ARN_PATTERN,
} from "./sns-permissions.js";

/** The client surface `snsEventSource` needs from SNS; any `SNSClient` satisfies it. */
export type SnsClientLike = AwsClientLike;

/** Options of {@link snsEventSource}. */
export interface SnsEventSourceOptions extends QueueReadingOptions {
  /** The SNS topic an EventBridge rule publishes change events to (a standard topic). */
  topicArn: string;
  /** @default `new SNSClient(...)` with region and credentials from the environment */
  snsClient?: SnsClientLike;
  /** @default `new SQSClient(...)` with region and credentials from the environment */
  sqsClient?: AwsClientLike;
  /**
   * Start of this process's queue name; the rest is random. Queues with this prefix and an
   * older heartbeat are swept, so give each application (and topic) its own. 1-48 characters:
   * letters, digits, `-`, `_`. @default "ssm-config-"
   */
  queuePrefix?: string;
  /** How often the queue's heartbeat tag is renewed. @default 60000 */
  heartbeatMs?: number;
  /**
   * A queue whose heartbeat is older than this belongs to a process that died without `close()`
   * and is deleted by the next sweep (every process sweeps at start, and the fleet as a whole
   * about four times per `staleAfterMs`). Must exceed `heartbeatMs`; three times or more leaves
   * room for a late renewal. @default 900000, or 3 × heartbeatMs when that is larger
   */
  staleAfterMs?: number;
}

/**
 * Reported once on `error` when the config uses more names than an SNS filter policy can hold,
 * even collapsed to prefixes: the queue then receives every event on the topic (still correct;
 * the loader drops what it does not use without a call, but every process wakes for each).
 */
export class FilterPolicyFallbackWarning extends Error {
  override readonly name = "FilterPolicyFallbackWarning" as const;
}

/** The random part of a queue name: 32 hex digits, so prefix + it stays within SQS's 80. */
const randomSuffix = () => randomUUID().replaceAll("-", "");

/**
 * Change events for a fleet: every process gets its own SQS queue subscribed to one SNS topic
 * (EventBridge rule -> SNS -> one queue per process), so each learns of every change. Passed as
 * `events` to `createConfig`. Once the config is loaded it creates the queue (tagged with a
 * heartbeat; a policy that lets only this topic send), subscribes it with raw delivery and a
 * filter policy built from the names the config reads, then long-polls it exactly as
 * `sqsEventSource` does. It renews the heartbeat every `heartbeatMs`, and deletes queues of the
 * same prefix and topic whose heartbeat is older than `staleAfterMs` (processes killed without
 * `close()`), unsubscribing them first, at start and now and then. `close()` unsubscribes and
 * deletes its queue. Its own queue swept away (after a long freeze) is made again.
 *
 * Options are checked before any call.
 *
 * @example
 * createConfig({ schema, sources, events: snsEventSource({ topicArn: process.env.CONFIG_TOPIC_ARN! }) })
 */
export function snsEventSource(options: SnsEventSourceOptions): ConfigEventSource {
  const factory = "snsEventSource";
  if (typeof options !== "object" || options === null) {
    throw optionsError(factory, "pass { topicArn } with the ARN of the SNS topic.");
  }
  if (typeof options.topicArn !== "string" || !TOPIC_ARN_PATTERN.test(options.topicArn)) {
    throw optionsError(
      factory,
      `topicArn must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<topic>), not ${JSON.stringify(options.topicArn)}.`,
    );
  }
  if (options.topicArn.endsWith(".fifo")) {
    throw optionsError(
      factory,
      "topicArn names a FIFO topic, which delivers only to FIFO queues; use a standard topic.",
    );
  }
  for (const name of ["snsClient", "sqsClient"] as const) {
    const client = options[name];
    if (client !== undefined && typeof client?.send !== "function") {
      throw optionsError(factory, `${name} must be an AWS SDK v3 client (with a send method).`);
    }
  }
  const queuePrefix = options.queuePrefix ?? DEFAULT_QUEUE_PREFIX;
  if (typeof queuePrefix !== "string" || !QUEUE_PREFIX_PATTERN.test(queuePrefix)) {
    throw optionsError(
      factory,
      `queuePrefix must be 1-48 letters, digits, "-" or "_" (SQS names allow 80 and 32 are random), not ${JSON.stringify(queuePrefix)}.`,
    );
  }
  const heartbeatMs = checkNumberOption(factory, "heartbeatMs", options.heartbeatMs ?? 60_000, {
    min: 1_000,
    max: MAX_TIMER_MS,
  });
  const staleAfterMs = options.staleAfterMs ?? Math.max(900_000, heartbeatMs * 3);
  if (!Number.isFinite(staleAfterMs) || staleAfterMs <= heartbeatMs) {
    throw optionsError(
      factory,
      `staleAfterMs must be a number of milliseconds larger than heartbeatMs (${heartbeatMs}), not ${String(staleAfterMs)}.`,
    );
  }
  return new SnsEventSource({
    topicArn: options.topicArn,
    snsClient: options.snsClient,
    sqsClient: options.sqsClient,
    queuePrefix,
    heartbeatMs,
    staleAfterMs,
    reading: checkQueueReading(factory, options),
  });
}

interface SnsSettings {
  readonly topicArn: string;
  readonly snsClient: SnsClientLike | undefined;
  readonly sqsClient: AwsClientLike | undefined;
  readonly queuePrefix: string;
  readonly heartbeatMs: number;
  readonly staleAfterMs: number;
  readonly reading: QueueReading;
}

/** This process's queue and what subscribes it. */
interface OwnQueue {
  readonly url: string;
  readonly arn: string | undefined;
  subscriptionArn: string | undefined;
}

class SnsEventSource implements ConfigEventSource {
  readonly #settings: SnsSettings;
  readonly #abort = new AbortController();
  #sink: EventSink | undefined;
  #clock: Clock = systemClock;
  #sqs: AwsClientLike | undefined;
  #sns: SnsClientLike | undefined;
  #sdk: FleetSdk | undefined;
  /** The queue this process created and has not deleted yet (a recreated one replaces it). */
  #queue: OwnQueue | undefined;
  #heartbeat: TimerHandle | undefined;
  #run: Promise<void> | undefined;
  #filterPolicy: string | undefined;

  constructor(settings: SnsSettings) {
    this.#settings = settings;
  }

  start(sink: EventSink): void {
    if (this.#run || this.#abort.signal.aborted) return;
    this.#sink = sink;
    this.#clock = sink.clock ?? systemClock;
    this.#run = this.#main(sink).catch((error: unknown) => {
      if (!this.#abort.signal.aborted) sink.error(toError(error));
    });
  }

  /**
   * Stops receiving and the heartbeat, waits for a setup in progress, then unsubscribes and
   * deletes this process's queue. Failures are reported on `error`; it always resolves.
   */
  async close(): Promise<void> {
    this.#abort.abort();
    this.#stopHeartbeat();
    await this.#run;
    const queue = this.#queue;
    this.#queue = undefined;
    if (queue) await this.#removeQueue(queue, true);
    // Clients this source made itself are its to release; given ones belong to the caller.
    for (const [mine, given] of [
      [this.#sqs, this.#settings.sqsClient],
      [this.#sns, this.#settings.snsClient],
    ] as const) {
      if (mine && mine !== given) (mine as { destroy?: () => void }).destroy?.();
    }
  }

  async #main(sink: EventSink): Promise<void> {
    const sdk = await this.#loadSdk();
    const { policy, precision } = buildFilterPolicy(
      sink.interests?.() ?? { paths: ["/"], names: [], secrets: [] },
    );
    this.#filterPolicy = policy;
    if (precision === "none") {
      sink.error(
        new FilterPolicyFallbackWarning(
          "snsEventSource: this config reads more names than an SNS filter policy can hold, even as common prefixes; its queue receives every event on the topic. Read fewer, broader paths to filter again.",
        ),
      );
    }
    if (!(await this.#setUpUntilReady(sdk))) return;
    this.#scheduleHeartbeat();
    // Changes made between the first load and the subscription were announced to no queue.
    sink.refresh?.().catch(() => {
      // Reported on `error` by the loader.
    });
    await Promise.all([
      this.#sweepNowAndThen(),
      consumeQueue(
        {
          client: this.#sqsClient(),
          reading: this.#settings.reading,
          clock: this.#clock,
          signal: this.#abort.signal,
          queueUrl: () => this.#queue?.url,
          onMissingQueue: () => this.#recreate(),
        },
        sink,
      ),
    ]);
  }

  /**
   * Sets the queue up, retrying with full-jitter backoff while it fails (throttled, network) so
   * that a bad moment at start does not leave the process without events for its whole life.
   * What a failed attempt created is removed before the next. False once `close()` began.
   */
  async #setUpUntilReady(sdk: FleetSdk): Promise<boolean> {
    const { backoffBaseMs, backoffMaxMs } = this.#settings.reading;
    for (let failures = 0; !this.#abort.signal.aborted; ) {
      if (await this.#setUpOrDiscard(sdk)) return !this.#abort.signal.aborted;
      failures++;
      await pause(
        this.#clock,
        fullJitterBackoff(failures, backoffBaseMs, backoffMaxMs, () => this.#clock.random()),
        this.#abort.signal,
      );
    }
    return false;
  }

  async #loadSdk(): Promise<FleetSdk> {
    if (!this.#sdk) {
      const [sqs, sns] = await Promise.all([
        import("@aws-sdk/client-sqs"),
        import("@aws-sdk/client-sns"),
      ]);
      this.#sdk = { sqs, sns };
    }
    return this.#sdk;
  }

  #sqsClient(): AwsClientLike {
    const sdk = this.#sdk as FleetSdk;
    // A default client's request timeout must outlast the long poll.
    this.#sqs ??=
      this.#settings.sqsClient ??
      new sdk.sqs.SQSClient({
        requestHandler: {
          ...DEFAULT_REQUEST_HANDLER,
          requestTimeout: (this.#settings.reading.waitTimeSeconds + 10) * 1_000,
        },
      });
    return this.#sqs;
  }

  #snsClient(): SnsClientLike {
    const sdk = this.#sdk as FleetSdk;
    this.#sns ??=
      this.#settings.snsClient ??
      new sdk.sns.SNSClient({ requestHandler: DEFAULT_REQUEST_HANDLER });
    return this.#sns;
  }

  /**
   * Creates a queue with its heartbeat tag (never briefly untagged), lets only the topic send to
   * it, and subscribes it with raw delivery and the filter policy in `Subscribe` itself. Calls
   * are not aborted by `close()`: a call cut off after AWS acted would leak what it created;
   * `close()` waits for this instead and removes whatever was created. Resolves false when it
   * failed (reported) or `close()` came first.
   */
  async #setUpQueue(sdk: FleetSdk): Promise<boolean> {
    const { topicArn, queuePrefix } = this.#settings;
    const sqs = this.#sqsClient();
    const sink = this.#sink as EventSink;
    const name = `${queuePrefix}${randomSuffix()}`;
    if (this.#abort.signal.aborted) return false;
    try {
      const created = (await sqs.send(
        new sdk.sqs.CreateQueueCommand({
          QueueName: name,
          tags: { [HEARTBEAT_TAG]: String(this.#clock.now()), [TOPIC_TAG]: topicArn },
        }),
      )) as { QueueUrl?: string };
      if (!created.QueueUrl) throw new Error(`CreateQueue returned no QueueUrl for ${name}.`);
      const queue: OwnQueue = { url: created.QueueUrl, arn: undefined, subscriptionArn: undefined };
      this.#queue = queue;
      if (this.#abort.signal.aborted) return false;
      const attributes = (await sqs.send(
        new sdk.sqs.GetQueueAttributesCommand({
          QueueUrl: queue.url,
          AttributeNames: ["QueueArn"],
        }),
      )) as { Attributes?: Record<string, string> };
      const arn = attributes.Attributes?.QueueArn;
      if (!arn) throw new Error(`GetQueueAttributes returned no QueueArn for ${queue.url}.`);
      this.#queue = { ...queue, arn };
      await sqs.send(
        new sdk.sqs.SetQueueAttributesCommand({
          QueueUrl: queue.url,
          Attributes: { Policy: queuePolicy(arn, topicArn) },
        }),
      );
      if (this.#abort.signal.aborted) return false;
      const subscription = (await this.#snsClient().send(
        new sdk.sns.SubscribeCommand({
          TopicArn: topicArn,
          Protocol: "sqs",
          Endpoint: arn,
          ReturnSubscriptionArn: true,
          Attributes: {
            RawMessageDelivery: "true",
            ...(this.#filterPolicy
              ? { FilterPolicy: this.#filterPolicy, FilterPolicyScope: "MessageBody" }
              : {}),
          },
        }),
      )) as { SubscriptionArn?: string };
      if (this.#queue) this.#queue.subscriptionArn = subscription.SubscriptionArn;
      return true;
    } catch (error) {
      if (!this.#abort.signal.aborted) {
        sink.error(fleetError("set up its queue", this.#queue?.url ?? name, error));
      }
      return false;
    }
  }

  /** The queue was deleted under us (swept after a long freeze): make a new one. */
  async #recreate(): Promise<boolean> {
    const old = this.#queue;
    this.#queue = undefined;
    if (old) await this.#removeQueue(old, false);
    if (this.#abort.signal.aborted) return false;
    // On failure the receive loop asks again after its backoff.
    const ready = await this.#setUpOrDiscard(this.#sdk as FleetSdk);
    if (ready) {
      this.#sink?.refresh?.().catch(() => {
        // Reported on `error` by the loader.
      });
    }
    return ready;
  }

  /**
   * Sets the queue up; when that fails, removes what the attempt created: a queue without its
   * subscription would be read forever in silence.
   */
  async #setUpOrDiscard(sdk: FleetSdk): Promise<boolean> {
    if (await this.#setUpQueue(sdk)) return true;
    const partial = this.#queue;
    this.#queue = undefined;
    if (partial) await this.#removeQueue(partial, false);
    return false;
  }

  /**
   * Unsubscribes first, then deletes: on moto a subscription whose queue is gone makes every
   * Publish to the topic fail. "Not found" is fine (a sweeper was faster).
   */
  async #removeQueue(queue: OwnQueue, report: boolean): Promise<void> {
    const sdk = this.#sdk;
    if (!sdk) return;
    const sink = this.#sink;
    if (queue.subscriptionArn && queue.subscriptionArn !== "pending confirmation") {
      try {
        await this.#snsClient().send(
          new sdk.sns.UnsubscribeCommand({ SubscriptionArn: queue.subscriptionArn }),
        );
      } catch (error) {
        if (!isNotFound(error)) {
          if (report) sink?.error(fleetError("unsubscribe", queue.subscriptionArn, error));
          // Deleting the queue now would leave a subscription that points nowhere.
          return;
        }
      }
    }
    try {
      await this.#sqsClient().send(new sdk.sqs.DeleteQueueCommand({ QueueUrl: queue.url }));
    } catch (error) {
      if (!isMissingQueue(error) && report) sink?.error(fleetError("delete", queue.url, error));
    }
  }

  #scheduleHeartbeat(): void {
    if (this.#abort.signal.aborted) return;
    this.#heartbeat = this.#clock.setTimer(() => {
      this.#heartbeat = undefined;
      void this.#beat().finally(() => this.#scheduleHeartbeat());
    }, this.#settings.heartbeatMs);
  }

  #stopHeartbeat(): void {
    if (this.#heartbeat !== undefined) this.#clock.clearTimer(this.#heartbeat);
    this.#heartbeat = undefined;
  }

  async #beat(): Promise<void> {
    const queue = this.#queue;
    const sdk = this.#sdk;
    if (!queue || !sdk || this.#abort.signal.aborted) return;
    try {
      await this.#sqsClient().send(
        new sdk.sqs.TagQueueCommand({
          QueueUrl: queue.url,
          Tags: { [HEARTBEAT_TAG]: String(this.#clock.now()) },
        }),
        { abortSignal: this.#abort.signal },
      );
    } catch (error) {
      // A missing queue is recreated by the receive loop, which meets the same error.
      if (!this.#abort.signal.aborted && !isMissingQueue(error)) {
        this.#sink?.error(fleetError("renew the heartbeat of", queue.url, error));
      }
    }
  }

  /**
   * Sweeps at start, then again now and then, so that the queue of the last process to die is
   * removed even if no process starts after it. Each process waits an exponentially distributed
   * time with mean staleAfterMs / 4 x the number of queues it saw, so the fleet as a whole sweeps
   * like a Poisson process about four times per staleAfterMs, and the cost (one ListQueueTags per
   * queue per sweep) grows with the fleet, not with its square.
   */
  async #sweepNowAndThen(): Promise<void> {
    const signal = this.#abort.signal;
    while (!signal.aborted) {
      const { checked } = await this.#sweep();
      const mean = (this.#settings.staleAfterMs / 4) * (checked + 1);
      await pause(this.#clock, -Math.log(1 - this.#clock.random()) * mean, signal);
    }
  }

  #sweep(): Promise<SweepOutcome> {
    return sweepStaleQueues({
      sqs: this.#sqsClient(),
      sns: this.#snsClient(),
      sdk: this.#sdk as FleetSdk,
      topicArn: this.#settings.topicArn,
      queuePrefix: this.#settings.queuePrefix,
      staleAfterMs: this.#settings.staleAfterMs,
      now: this.#clock.now(),
      isOwn: (url) => url === this.#queue?.url,
      signal: this.#abort.signal,
      report: (error) => this.#sink?.error(error),
    });
  }
}

/** Only this topic may send to the queue. */
function queuePolicy(queueArn: string, topicArn: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ssm-config-topic",
        Effect: "Allow",
        Principal: { Service: "sns.amazonaws.com" },
        Action: "sqs:SendMessage",
        Resource: queueArn,
        Condition: { ArnEquals: { "aws:SourceArn": topicArn } },
      },
    ],
  });
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
