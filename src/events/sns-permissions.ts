/**
 * What `snsEventSource` needs from IAM and from its `queuePrefix` option, in one place: the
 * source checks its options with these, and `ssm-config iam-policy` prints its policy from them,
 * so that the two cannot drift apart. Every action listed here is one the source sends.
 */

/** The queue prefix `snsEventSource` uses when none is given. */
export const DEFAULT_QUEUE_PREFIX = "ssm-config-";

/** The longest `queuePrefix`: SQS names allow 80 characters, and 32 are random. */
export const MAX_QUEUE_PREFIX_LENGTH = 48;

/** An SNS topic ARN, standard or FIFO (`.fifo`), in any partition. */
export const TOPIC_ARN_PATTERN =
  /^arn:aws[\w-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/;

/** A valid `queuePrefix`: 1-48 letters, digits, `-`, `_`. */
export const QUEUE_PREFIX_PATTERN = new RegExp(`^[A-Za-z0-9_-]{1,${MAX_QUEUE_PREFIX_LENGTH}}$`);

/**
 * The SQS actions on the source's own queues (`queuePrefix*`): create one with a policy and a
 * heartbeat tag, long-poll, delete or hand back messages (DeleteMessageBatch needs
 * sqs:DeleteMessage), and delete the queues of processes that died, found by their tags.
 */
export const QUEUE_ACTIONS = [
  "sqs:CreateQueue",
  "sqs:DeleteQueue",
  "sqs:GetQueueAttributes",
  "sqs:SetQueueAttributes",
  "sqs:TagQueue",
  "sqs:ListQueueTags",
  "sqs:ReceiveMessage",
  "sqs:DeleteMessage",
  "sqs:ChangeMessageVisibility",
] as const;

/** The action that finds stale queues; it cannot be limited to a name prefix. */
export const LIST_QUEUES_ACTION = "sqs:ListQueues";

/** The SNS actions on the topic: subscribe this process's queue, and clean up dead ones. */
export const TOPIC_ACTIONS = [
  "sns:Subscribe",
  "sns:Unsubscribe",
  "sns:ListSubscriptionsByTopic",
] as const;
