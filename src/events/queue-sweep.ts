import { ConfigLoadError } from "../errors/config-load-error.js";
import { awsErrorName } from "../sources/aws/aws-errors.js";
import type { AwsClientLike } from "../sources/aws/client-defaults.js";
import { isMissingQueue } from "./queue-consumer.js";

/** Tag keys on each process's queue: when it last said it was alive, and which topic feeds it. */
export const HEARTBEAT_TAG = "ssm-config:heartbeat";
export const TOPIC_TAG = "ssm-config:topic";

/** Bounds on listing, against a runaway paginator. */
const MAX_PAGES = 100;
/** Queues whose tags are read at once during a sweep. */
const SWEEP_CONCURRENCY = 4;

/** The SDK modules, imported on first use so that importing this module loads neither. */
export interface FleetSdk {
  readonly sqs: typeof import("@aws-sdk/client-sqs");
  readonly sns: typeof import("@aws-sdk/client-sns");
}

/** What {@link sweepStaleQueues} needs. */
export interface QueueSweep {
  readonly sqs: AwsClientLike;
  readonly sns: AwsClientLike;
  readonly sdk: FleetSdk;
  readonly topicArn: string;
  readonly queuePrefix: string;
  readonly staleAfterMs: number;
  /** The sweeper's time, compared with the heartbeat tags (epoch ms). */
  readonly now: number;
  /** True for this process's own queue, which is never swept. */
  isOwn(queueUrl: string): boolean;
  readonly signal: AbortSignal;
  /** Where failures go; a sweep never throws. */
  report(error: Error): void;
}

/** What a sweep looked at and removed. */
export interface SweepOutcome {
  /** Queues with the prefix, other than our own. */
  readonly checked: number;
  /** URLs of the queues deleted. */
  readonly deleted: readonly string[];
}

/**
 * Deletes the queues of processes that died without `close()`: those with `queuePrefix`, fed by
 * this topic (tag), whose heartbeat tag is older than `staleAfterMs`. Each one's subscriptions
 * are removed first (on moto a subscription whose queue is gone breaks every Publish). Queues of
 * another topic, without our tags, or alive are left alone, as is our own. Two processes may
 * sweep at once: "not found" is success. Failures (no permission) are reported, never thrown.
 */
export async function sweepStaleQueues(given: QueueSweep): Promise<SweepOutcome> {
  const { sdk, sqs, signal } = given;
  // A call cut off by close() is not a failure worth reporting.
  const sweep: QueueSweep = {
    ...given,
    report: (error) => {
      if (!signal.aborted) given.report(error);
    },
  };
  let urls: string[];
  try {
    urls = (await listQueues(sweep)).filter((url) => !sweep.isOwn(url));
  } catch (error) {
    sweep.report(fleetError("list the queues to sweep", sweep.queuePrefix, error));
    return { checked: 0, deleted: [] };
  }
  const stale: string[] = [];
  const pending = [...urls];
  const worker = async () => {
    for (let url = pending.shift(); url !== undefined && !signal.aborted; url = pending.shift()) {
      try {
        const { Tags } = (await sqs.send(new sdk.sqs.ListQueueTagsCommand({ QueueUrl: url }), {
          abortSignal: signal,
        })) as { Tags?: Record<string, string> };
        const beat = Number(Tags?.[HEARTBEAT_TAG]);
        if (Tags?.[TOPIC_TAG] !== sweep.topicArn || !Number.isFinite(beat)) continue;
        if (sweep.now - beat > sweep.staleAfterMs) stale.push(url);
      } catch (error) {
        if (!isMissingQueue(error)) sweep.report(fleetError("read the heartbeat of", url, error));
      }
    }
  };
  await Promise.all(Array.from({ length: SWEEP_CONCURRENCY }, worker));
  if (stale.length === 0 || signal.aborted) return { checked: urls.length, deleted: [] };

  let subscriptions: Map<string, string[]>;
  try {
    subscriptions = await subscriptionsByEndpoint(sweep);
  } catch (error) {
    // Deleting without unsubscribing would leave subscriptions that point nowhere.
    sweep.report(fleetError("list the subscriptions of", sweep.topicArn, error));
    return { checked: urls.length, deleted: [] };
  }
  const deleted: string[] = [];
  for (const url of stale) {
    if (signal.aborted) break;
    if (await removeStaleQueue(sweep, url, subscriptions)) deleted.push(url);
  }
  return { checked: urls.length, deleted };
}

async function removeStaleQueue(
  sweep: QueueSweep,
  url: string,
  subscriptions: ReadonlyMap<string, string[]>,
): Promise<boolean> {
  const { sdk, sqs, sns } = sweep;
  try {
    const { Attributes } = (await sqs.send(
      new sdk.sqs.GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] }),
    )) as { Attributes?: Record<string, string> };
    const arn = Attributes?.QueueArn;
    for (const subscriptionArn of arn ? (subscriptions.get(arn) ?? []) : []) {
      try {
        await sns.send(new sdk.sns.UnsubscribeCommand({ SubscriptionArn: subscriptionArn }));
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    }
    await sqs.send(new sdk.sqs.DeleteQueueCommand({ QueueUrl: url }));
    return true;
  } catch (error) {
    if (isMissingQueue(error)) return true;
    sweep.report(fleetError("sweep the stale queue", url, error));
    return false;
  }
}

async function listQueues(sweep: QueueSweep): Promise<string[]> {
  const urls: string[] = [];
  let token: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const response = (await sweep.sqs.send(
      new sweep.sdk.sqs.ListQueuesCommand({
        QueueNamePrefix: sweep.queuePrefix,
        MaxResults: 1000,
        NextToken: token,
      }),
      { abortSignal: sweep.signal },
    )) as { QueueUrls?: string[]; NextToken?: string };
    urls.push(...(response.QueueUrls ?? []));
    token = response.NextToken;
    if (!token) break;
  }
  return urls;
}

/** The topic's subscriptions by endpoint (queue ARN). */
async function subscriptionsByEndpoint(sweep: QueueSweep): Promise<Map<string, string[]>> {
  const byEndpoint = new Map<string, string[]>();
  let token: string | undefined;
  for (let page = 0; page < MAX_PAGES * 10; page++) {
    const response = (await sweep.sns.send(
      new sweep.sdk.sns.ListSubscriptionsByTopicCommand({
        TopicArn: sweep.topicArn,
        NextToken: token,
      }),
      { abortSignal: sweep.signal },
    )) as {
      Subscriptions?: Array<{ SubscriptionArn?: string; Endpoint?: string }>;
      NextToken?: string;
    };
    for (const { SubscriptionArn, Endpoint } of response.Subscriptions ?? []) {
      if (!SubscriptionArn || !Endpoint || SubscriptionArn === "PendingConfirmation") continue;
      byEndpoint.set(Endpoint, [...(byEndpoint.get(Endpoint) ?? []), SubscriptionArn]);
    }
    token = response.NextToken;
    if (!token) break;
  }
  return byEndpoint;
}

/** SNS's "not found" (a subscription another process already removed). */
export function isNotFound(error: unknown): boolean {
  const name = awsErrorName(error);
  return (
    name === "NotFoundException" || name === "NotFound" || name === "ResourceNotFoundException"
  );
}

/**
 * A fleet-plumbing failure as a `ConfigLoadError` (reason `aws`): what could not be done, to
 * what, and the permission that is usually missing.
 */
export function fleetError(action: string, resource: string, error: unknown): ConfigLoadError {
  const name = awsErrorName(error);
  const message = error instanceof Error ? error.message.replace(/\.+$/, "") : String(error);
  const advice = /AccessDenied|AuthorizationError|Forbidden/i.test(name)
    ? ' Grant the role the SQS and SNS permissions listed in the README\'s "Running a fleet".'
    : "";
  return new ConfigLoadError(
    `snsEventSource could not ${action} ${resource}: ${name}: ${message}.${advice}`,
    { parameter: resource, cause: error },
  );
}
