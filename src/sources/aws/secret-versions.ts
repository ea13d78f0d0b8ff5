import { toDate } from "./aws-dates.js";
import { awsErrorName, toLoadError } from "./aws-errors.js";
import { readKeyAnyCase } from "./aws-json.js";
import type { AwsClientLike } from "./client-defaults.js";
import { currentVersionId } from "./secret-stages.js";

/** What `DescribeSecret` says of a secret's current version, without reading its value. */
export interface SecretVersion {
  /** The `VersionId` staged `AWSCURRENT`; absent when no version carries that stage. */
  readonly versionId?: string | undefined;
  readonly nextRotation?: Date | undefined;
}

/**
 * The current version of a secret through `DescribeSecret` (no secret value is read), or
 * `undefined` when the secret does not exist. Other failures become a `ConfigLoadError`.
 */
export async function describeSecretVersion(
  client: AwsClientLike,
  secretId: string,
  signal: AbortSignal,
): Promise<SecretVersion | undefined> {
  const { DescribeSecretCommand } = await import("@aws-sdk/client-secrets-manager");
  try {
    const described = (await client.send(new DescribeSecretCommand({ SecretId: secretId }), {
      abortSignal: signal,
    })) as Record<string, unknown>;
    return {
      versionId: currentVersionId(readKeyAnyCase(described, "VersionIdsToStages")),
      nextRotation: toDate(readKeyAnyCase(described, "NextRotationDate")),
    };
  } catch (error) {
    if (awsErrorName(error) === "ResourceNotFoundException") return undefined;
    throw toLoadError(error, secretId, "Secrets Manager");
  }
}
