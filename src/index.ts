/**
 * ssm-config: typed, validated configuration from AWS Systems Manager Parameter Store, kept
 * current while the service runs.
 *
 * This root entry needs only `@aws-sdk/client-ssm` installed: it imports neither zod nor an
 * optional peer, so an app that uses it alone bundles no other AWS client. Each optional backend
 * has its own entry point:
 *
 * - `ssm-config/zod`: `json()` (needs `zod`)
 * - `ssm-config/secrets-manager`: `secretsManagerSource`, and `describeSecretVersions` for
 *   `ssmSource`'s cheap check of secret references (needs `@aws-sdk/client-secrets-manager`)
 * - `ssm-config/sqs`: `sqsEventSource` (needs `@aws-sdk/client-sqs`)
 * - `ssm-config/sns`: `snsEventSource` (needs `@aws-sdk/client-sns` and `@aws-sdk/client-sqs`)
 *
 * Deliberately not exported: the `ConfigLoader` constructor (only `createConfig` checks options;
 * the class is exported as a type), option-checking helpers, the AWS event parser, the snapshot
 * builders and the system clock. They are internals whose shape may change in any release.
 *
 * @packageDocumentation
 */
// biome-ignore-all assist/source/organizeImports: grouped by role, not by path.

// The loader: create it, read it, listen to it.
export {
  type CreateConfigOptions,
  createConfig,
  type RefreshOptions,
} from "./loader/create-config.js";
export type {
  ChangeEvent,
  ConfigEvents,
  ConfigLoader,
  PolicyEvent,
} from "./loader/config-loader.js";
export type { Change } from "./loader/snapshot-diff.js";
export type { PollingOptions } from "./scheduling/poller.js";
export type { Clock, TimerHandle, TimerOptions } from "./scheduling/clock.js";
export type { StandardSchemaV1 } from "./schema/standard-schema.js";

// Sources that come with the root entry.
export {
  type SecretVersion,
  type SecretVersionLookup,
  type SsmClientLike,
  type SsmSourceOptions,
  ssmSource,
} from "./sources/ssm/index.js";
export type { KeyCase } from "./mapping/parameter-names.js";
export {
  type MemorySource,
  type MemorySourceOptions,
  type MemoryValue,
  memorySource,
} from "./sources/memory.js";
export { type FileSourceOptions, fileSource } from "./sources/file.js";

// Errors, and the guards that recognise them across realms.
export { ConfigError, isConfigError } from "./errors/config-error.js";
export {
  ConfigLoadError,
  type ConfigLoadErrorOptions,
  type ConfigLoadErrorReason,
  isConfigLoadError,
} from "./errors/config-load-error.js";
export {
  type ConfigIssue,
  ConfigValidationError,
  isConfigValidationError,
} from "./errors/config-validation-error.js";
export { ConfigListenerError, isConfigListenerError } from "./errors/config-listener-error.js";
export { EventFormatError } from "./events/aws-events.js";

// Writing a custom source or event source: what the loader asks of one, and what it hands over.
export type {
  ChangeNotice,
  ConfigSource,
  EntryType,
  EntryValue,
  JsonValue,
  MissingParameter,
  ParameterEntry,
  SourceContext,
  SourceState,
} from "./sources/contract.js";
export type { ConfigEventSource, EventSink } from "./events/event-source.js";
export type { AwsClientLike } from "./sources/aws/client-defaults.js";
export { REDACTED, SensitiveString } from "./sensitive.js";
