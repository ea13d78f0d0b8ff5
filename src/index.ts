/**
 * ssm-config: typed, validated configuration from AWS Systems Manager Parameter Store and
 * Secrets Manager, kept current while the service runs.
 */

export { EventFormatError } from "./changes/aws-events.js";
export type { Clock, TimerHandle } from "./changes/clock.js";
export type { ConfigEventSource, EventSink } from "./changes/event-source.js";
export type { PollingOptions } from "./changes/poller.js";
export type { Change } from "./changes/snapshot-diff.js";
export {
  type ChangeEvent,
  type ConfigEvents,
  ConfigLoader,
  type PolicyEvent,
} from "./config-loader.js";
export { type CreateConfigOptions, createConfig } from "./create-config.js";
export type {
  ChangeNotice,
  ConfigSource,
  EntryType,
  MissingParameter,
  ParameterEntry,
  SourceContext,
  SourceSnapshot,
} from "./entries.js";
export {
  ConfigLoadError,
  type ConfigLoadErrorOptions,
  isConfigLoadError,
} from "./errors/config-load-error.js";
export { type ConfigIssue, ConfigValidationError } from "./errors/config-validation-error.js";
export type { KeyCase } from "./mapping/parameter-names.js";
export { json } from "./schema/json.js";
export type { StandardSchemaV1 } from "./schema/standard-schema.js";
export { REDACTED, SensitiveString } from "./sensitive.js";
export type { AwsClientLike } from "./sources/client-defaults.js";
export { type FileSourceOptions, fileSource } from "./sources/file.js";
export {
  type MemorySource,
  type MemorySourceOptions,
  type MemoryValue,
  memorySource,
} from "./sources/memory.js";
export {
  type SecretsManagerSourceOptions,
  secretsManagerSource,
} from "./sources/secrets-manager.js";
export { type SqsEventSourceOptions, sqsEventSource } from "./sources/sqs-events.js";
export { type SsmClientLike, type SsmSourceOptions, ssmSource } from "./sources/ssm.js";
