/**
 * `ssm-config/secrets-manager`: secrets read directly from AWS Secrets Manager, and the cheap
 * `DescribeSecret` check that lets `ssmSource` refresh its `/aws/reference/secretsmanager/…`
 * bindings without re-reading them. Needs `@aws-sdk/client-secrets-manager` installed.
 *
 * @packageDocumentation
 */

export { describeSecretVersions } from "./sources/secrets-manager/describe-secret-versions.js";
export {
  type SecretsManagerSourceOptions,
  secretsManagerSource,
} from "./sources/secrets-manager/source.js";
