/**
 * AWS services spell the same JSON field differently (`VersionId` in one answer, `versionId` in
 * an event or a `SourceResult`); this reads a field either way.
 */

/** Reads a key of a JSON object whatever its case (`VersionId` and `versionId` both occur). */
export function readKeyAnyCase(record: Record<string, unknown>, key: string): unknown {
  const wanted = key.toLowerCase();
  for (const [candidate, value] of Object.entries(record)) {
    if (candidate.toLowerCase() === wanted) return value;
  }
  return undefined;
}
