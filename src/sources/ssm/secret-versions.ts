import type { SecretVersion } from "../aws/secret-versions.js";

export type { SecretVersion };

/**
 * How `ssmSource` learns the current version of a secret behind a
 * `/aws/reference/secretsmanager/…` binding without reading its value. Without one, a refresh
 * re-reads every secret reference through Parameter Store (one decrypting `GetParameters` per
 * 10); with one, it re-reads only the secrets whose version changed.
 *
 * `describeSecretVersions(client)` from `ssm-config/secrets-manager` implements it with
 * `DescribeSecret`; the root entry never loads the Secrets Manager client.
 *
 * @example
 * import { describeSecretVersions } from "ssm-config/secrets-manager";
 * ssmSource({ parameters: { stripe: "/aws/reference/secretsmanager/prod/stripe" },
 *   secretVersions: describeSecretVersions(new SecretsManagerClient({})) });
 */
export interface SecretVersionLookup {
  /**
   * The secret's current version (the one staged `AWSCURRENT`) and next rotation, or
   * `undefined` when the secret does not exist. Rejects with a `ConfigLoadError` on failure.
   */
  currentVersion(secretId: string, signal: AbortSignal): Promise<SecretVersion | undefined>;
}
