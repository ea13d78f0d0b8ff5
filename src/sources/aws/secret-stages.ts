/**
 * Secrets Manager's staging labels, as `DescribeSecret` and a Parameter Store `SourceResult`
 * both report them (`VersionIdsToStages`). Kept apart from `secret-versions.ts`, whose dynamic
 * import of the Secrets Manager client would put that optional peer into the module graph
 * of the root entry (and into a consumer's bundle) if the SSM decoder imported from it.
 */

/** The current version id in a `VersionIdsToStages` map: the one staged `AWSCURRENT`. */
export function currentVersionId(stages: unknown): string | undefined {
  if (typeof stages !== "object" || stages === null) return undefined;
  for (const [versionId, labels] of Object.entries(stages)) {
    if (Array.isArray(labels) && labels.includes("AWSCURRENT")) return versionId;
  }
  return undefined;
}
