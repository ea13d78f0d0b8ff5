/**
 * Secrets are named by name, by full ARN, or by ARN whose name carries Secrets Manager's random
 * six-character suffix (`prod/stripe-AbC123`). These helpers compare such ids without a call.
 */

const SECRET_ARN = /^arn:aws[\w-]*:secretsmanager:[^:]*:[^:]*:secret:(.+)$/;
const RANDOM_SUFFIX = /-[A-Za-z0-9]{6}$/;

/** Every form under which a secret id may appear in an event or a reference. */
export function secretIdForms(id: string): string[] {
  const forms = new Set<string>([id]);
  const arnName = SECRET_ARN.exec(id)?.[1];
  if (arnName) {
    forms.add(arnName);
    if (RANDOM_SUFFIX.test(arnName)) forms.add(arnName.replace(RANDOM_SUFFIX, ""));
  }
  return [...forms];
}

/** True when two secret ids (names or ARNs, with or without suffix) name the same secret. */
export function sameSecret(a: string, b: string): boolean {
  const forms = new Set(secretIdForms(a));
  return secretIdForms(b).some((form) => forms.has(form));
}

/** Reads a key of a JSON object whatever its case (`VersionId` and `versionId` both occur). */
export function readKeyAnyCase(record: Record<string, unknown>, key: string): unknown {
  const wanted = key.toLowerCase();
  for (const [candidate, value] of Object.entries(record)) {
    if (candidate.toLowerCase() === wanted) return value;
  }
  return undefined;
}

/** A date from an ISO string, epoch seconds, or a Date; `undefined` otherwise. */
export function toDate(value: unknown): Date | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value;
  if (typeof value === "number") return new Date(value < 1e12 ? value * 1000 : value);
  if (typeof value === "string" && value) {
    const numeric = Number(value);
    const date = Number.isFinite(numeric)
      ? new Date(numeric < 1e12 ? numeric * 1000 : numeric)
      : new Date(value);
    return Number.isNaN(date.getTime()) ? undefined : date;
  }
  return undefined;
}

/** The current version id in a `VersionIdsToStages` map: the one staged `AWSCURRENT`. */
export function currentVersionId(stages: unknown): string | undefined {
  if (typeof stages !== "object" || stages === null) return undefined;
  for (const [versionId, labels] of Object.entries(stages)) {
    if (Array.isArray(labels) && labels.includes("AWSCURRENT")) return versionId;
  }
  return undefined;
}

/**
 * Version and rotation date from the `SourceResult` that Parameter Store returns for a Secrets
 * Manager reference. `VersionId` is read in any case; failing that, the version staged
 * `AWSCURRENT`. The secret value that the JSON may also hold is never kept.
 */
export function parseSourceResult(sourceResult: string | undefined): {
  versionId?: string;
  nextRotation?: Date;
} {
  if (!sourceResult) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(sourceResult);
  } catch {
    return {};
  }
  if (typeof parsed !== "object" || parsed === null) return {};
  const record = parsed as Record<string, unknown>;
  const direct = readKeyAnyCase(record, "VersionId");
  const versionId =
    typeof direct === "string" && direct
      ? direct
      : currentVersionId(readKeyAnyCase(record, "VersionIdsToStages"));
  const nextRotation = toDate(readKeyAnyCase(record, "NextRotationDate"));
  const result: { versionId?: string; nextRotation?: Date } = {};
  if (versionId) result.versionId = versionId;
  if (nextRotation) result.nextRotation = nextRotation;
  return result;
}
