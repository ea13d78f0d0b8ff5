import type { ConfigSource } from "../contract.js";
import { parseSsmOptions, type SsmSourceOptions } from "./options.js";
import { SsmSource } from "./source.js";

export { MAX_CONCURRENCY, type SsmClientLike, type SsmSourceOptions } from "./options.js";
export type { SecretVersion, SecretVersionLookup } from "./secret-versions.js";

/**
 * Reads configuration from Parameter Store: a path (recursively, every page) and/or named
 * parameters, with SecureStrings decrypted and Secrets Manager references resolved. Every value
 * is held with its version, so refreshes fetch only what changed.
 *
 * Every option is checked when the source is created, before any AWS call; a bad one is a
 * `ConfigLoadError` with `reason: "options"`.
 *
 * @example
 * ssmSource({ path: "/app/prod", parameters: { stripe: "/aws/reference/secretsmanager/prod/stripe" } })
 */
export function ssmSource(options: SsmSourceOptions = {}): ConfigSource {
  return new SsmSource(parseSsmOptions(options));
}
