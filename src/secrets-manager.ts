/**
 * `ssm-config/secrets-manager`: secrets read directly from AWS Secrets Manager. Needs
 * `@aws-sdk/client-secrets-manager` installed.
 *
 * @packageDocumentation
 */

export {
  type SecretsManagerSourceOptions,
  secretsManagerSource,
} from "./sources/secrets-manager.js";
