/**
 * Secrets Manager's staging labels, as `DescribeSecret` and a Parameter Store `SourceResult`
 * both report them (`VersionIdsToStages`). Kept apart from `secret-versions.ts`, which loads
 * the Secrets Manager SDK, so that the SSM decoder can use it without that optional peer.
 */

/** The current version id in a `VersionIdsToStages` map: the one staged `AWSCURRENT`. */
export function currentVersionId(stages: unknown): string | undefined {
  if (typeof stages !== "object" || stages === null) return undefined;
  for (const [versionId, labels] of Object.entries(stages)) {
    if (Array.isArray(labels) && labels.includes("AWSCURRENT")) return versionId;
  }
  return undefined;
}
