/**
 * `ssm-config/sns`: change events fanned out to every process of a fleet through an SNS topic,
 * each process reading a queue of its own. Needs `@aws-sdk/client-sns` and `@aws-sdk/client-sqs`
 * installed.
 *
 * @packageDocumentation
 */

export type { QueueReadingOptions } from "./events/queue-consumer.js";
export {
  FilterPolicyFallbackWarning,
  type SnsClientLike,
  type SnsEventSourceOptions,
  snsEventSource,
} from "./events/sns.js";
