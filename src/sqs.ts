/**
 * `ssm-config/sqs`: change events read from an SQS queue that an EventBridge rule feeds. Needs
 * `@aws-sdk/client-sqs` installed.
 *
 * @packageDocumentation
 */

export type { QueueReadingOptions } from "./events/queue-consumer.js";
export { type SqsClientLike, type SqsEventSourceOptions, sqsEventSource } from "./events/sqs.js";
