/**
 * ssm-config: typed, validated configuration from AWS Systems Manager Parameter Store and
 * Secrets Manager, kept current while the service runs.
 */

export {
  ConfigLoadError,
  type ConfigLoadErrorOptions,
  isConfigLoadError,
} from "./errors/config-load-error.js";
export { type ConfigIssue, ConfigValidationError } from "./errors/config-validation-error.js";
export { EventFormatError } from "./events/aws-events.js";
export type { ConfigEventSource, EventSink } from "./events/event-source.js";
export { type SqsEventSourceOptions, sqsEventSource } from "./events/sqs.js";
export {
  type ChangeEvent,
  type ConfigEvents,
  ConfigLoader,
  type PolicyEvent,
} from "./loader/config-loader.js";
export { type CreateConfigOptions, createConfig } from "./loader/create-config.js";
export type { Change } from "./loader/snapshot-diff.js";
export type { KeyCase } from "./mapping/parameter-names.js";
export type { Clock, TimerHandle } from "./scheduling/clock.js";
export type { PollingOptions } from "./scheduling/poller.js";
export { json } from "./schema/json.js";
export type { StandardSchemaV1 } from "./schema/standard-schema.js";
export { REDACTED, SensitiveString } from "./sensitive.js";
export type { AwsClientLike } from "./sources/aws/client-defaults.js";
export type {
  ChangeNotice,
  ConfigSource,
  EntryType,
  MissingParameter,
  ParameterEntry,
  SourceContext,
  SourceState,
} from "./sources/contract.js";
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
export { type SsmClientLike, type SsmSourceOptions, ssmSource } from "./sources/ssm/index.js";
