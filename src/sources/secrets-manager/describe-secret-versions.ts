import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { optionsError } from "../../errors/config-load-error.js";
import { type AwsClientLike, DEFAULT_REQUEST_HANDLER } from "../aws/client-defaults.js";
import { describeSecretVersion } from "../aws/secret-versions.js";
import type { SecretVersionLookup } from "../ssm/secret-versions.js";

/**
 * Lets `ssmSource` check its Secrets Manager references with `DescribeSecret` (no secret value
 * is read) instead of re-reading each one through Parameter Store on every refresh. Exported by
 * `ssm-config/secrets-manager`, so that only apps that use it load the Secrets Manager client.
 *
 * @param client A Secrets Manager client (typed by shape, so that this declaration does not
 * name the SDK). @default `new SecretsManagerClient(...)` with the
 * library's default timeouts, created on first use
 * @example
 * import { describeSecretVersions } from "ssm-config/secrets-manager";
 * ssmSource({
 *   parameters: { stripe: "/aws/reference/secretsmanager/prod/stripe" },
 *   secretVersions: describeSecretVersions(new SecretsManagerClient({})),
 * });
 */
export function describeSecretVersions(client?: AwsClientLike): SecretVersionLookup {
  if (client !== undefined && typeof (client as Partial<AwsClientLike>)?.send !== "function") {
    throw optionsError(
      "describeSecretVersions",
      "client must be an AWS SDK v3 Secrets Manager client.",
    );
  }
  let resolved = client as AwsClientLike | undefined;
  return {
    currentVersion(secretId, signal) {
      resolved ??= new SecretsManagerClient({ requestHandler: DEFAULT_REQUEST_HANDLER });
      return describeSecretVersion(resolved, secretId, signal);
    },
  };
}
