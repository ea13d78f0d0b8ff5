import { SensitiveString } from "../../sensitive.js";
import { toDate } from "../aws/aws-dates.js";
import { readKeyAnyCase } from "../aws/aws-json.js";
import { currentVersionId } from "../aws/secret-stages.js";
import { type ParameterEntry, segmentsIfNeeded } from "../contract.js";
import type { FetchRequest } from "./targets.js";

/**
 * The fields of a Parameter Store answer that decoding reads: a `Parameter` of `GetParameters`,
 * `GetParameter` and `GetParametersByPath`, or a `ParameterHistory` item. Structural, so that any
 * SDK version's types fit.
 */
export interface SsmParameterLike {
  readonly Name?: string | undefined;
  readonly Type?: string | undefined;
  readonly Value?: string | undefined;
  readonly Version?: number | undefined;
  readonly LastModifiedDate?: Date | undefined;
  /** Set for a Secrets Manager reference: JSON with the secret's `VersionId`. */
  readonly SourceResult?: string | undefined;
  readonly Policies?: ReadonlyArray<{ readonly PolicyText?: string | undefined }> | undefined;
}

/** The type of a decoded value: Parameter Store's own, or `Secret` for a Secrets Manager reference. */
export type SsmValueType = "String" | "StringList" | "SecureString" | "Secret";

/**
 * What one Parameter Store answer means, decided in one place for the library and the CLI.
 * SecureStrings and secrets are wrapped in a `SensitiveString`; a StringList is split on `,`
 * into a frozen array (held once: nothing needs the joined form again).
 */
export interface DecodedParameter {
  readonly type: SsmValueType;
  readonly value: string | readonly string[] | SensitiveString;
  /** SSM `Version`, or the secret's `VersionId` for a Secrets Manager reference. */
  readonly version: number | string;
  readonly lastModified: Date | undefined;
  readonly sensitive: boolean;
  /** When the value is known to change: a secret's next rotation, a parameter's expiry. */
  readonly dueAt: Date | undefined;
}

/**
 * Decodes one Parameter Store answer. `secretReference` says that the name asked for was a
 * `/aws/reference/secretsmanager/…` reference; an answer carrying a `SourceResult` is one too.
 */
export function decodeParameter(
  parameter: SsmParameterLike,
  secretReference: boolean,
): DecodedParameter {
  const raw = parameter.Value ?? "";
  if (secretReference || parameter.SourceResult) {
    const { versionId, nextRotation } = parseSourceResult(parameter.SourceResult);
    return {
      type: "Secret",
      value: new SensitiveString(raw),
      version: versionId ?? parameter.Version ?? 0,
      lastModified: parameter.LastModifiedDate,
      sensitive: true,
      dueAt: nextRotation,
    };
  }
  const type = decodeType(parameter.Type);
  return {
    type,
    value:
      type === "SecureString"
        ? new SensitiveString(raw)
        : type === "StringList"
          ? Object.freeze(raw.split(","))
          : raw,
    version: parameter.Version ?? 0,
    lastModified: parameter.LastModifiedDate,
    sensitive: type === "SecureString",
    dueAt: expiryOf(parameter.Policies),
  };
}

function decodeType(type: string | undefined): Exclude<SsmValueType, "Secret"> {
  // The literals, not `type`: the answer's own string would be held by every entry (32 B each).
  if (type === "StringList") return "StringList";
  return type === "SecureString" ? "SecureString" : "String";
}

/**
 * The entry a fetched parameter becomes. One object literal with one property order for every
 * entry, so that all entries share one hidden class (a spread gives each its own). The request's
 * segments are kept only in the rare entry that needs them (see `segmentsIfNeeded`). A path
 * name that is its prefix and its key becomes a {@link PathEntry}, which does not hold it.
 */
export function toEntry(decoded: DecodedParameter, request: FetchRequest): ParameterEntry {
  if (request.namePrefix !== undefined && request.segments === undefined) {
    return new PathEntry(request.key, decoded, request.namePrefix);
  }
  const entry: ParameterEntry = {
    key: request.key,
    parameter: request.name.raw,
    value: decoded.value,
    version: decoded.version,
    type: decoded.type,
    sensitive: decoded.sensitive,
    lastModified: decoded.lastModified?.getTime(),
  };
  const segments = request.segments && segmentsIfNeeded(request.key, request.segments);
  return segments === undefined ? entry : { ...entry, segments };
}

/**
 * An entry read under a path whose name is the path and the key (key case "preserve", no dot in
 * any segment: `/app/prod/db/host` is `db.host`): it derives its `parameter` from the key, and
 * `sensitive` from the type, instead of holding them, which saves about 48 bytes per held value
 * (the name is as long as the path and the key together). Most held values are such entries.
 */
export class PathEntry implements ParameterEntry {
  readonly key: string;
  readonly value: ParameterEntry["value"];
  readonly version: number | string;
  readonly type: SsmValueType;
  readonly lastModified: number | undefined;
  readonly #prefix: string;

  constructor(key: string, decoded: DecodedParameter, prefix: string) {
    this.key = key;
    this.value = decoded.value;
    this.version = decoded.version;
    this.type = decoded.type;
    this.lastModified = decoded.lastModified?.getTime();
    this.#prefix = prefix;
  }

  get parameter(): string {
    return this.#prefix + this.key.replaceAll(".", "/");
  }

  get sensitive(): boolean {
    return this.type === "SecureString" || this.type === "Secret";
  }
}

/** The time an `Expiration` policy deletes the parameter, if it has one. */
export function expiryOf(
  policies: ReadonlyArray<{ readonly PolicyText?: string | undefined }> | undefined,
): Date | undefined {
  for (const policy of policies ?? []) {
    const text: unknown = policy.PolicyText;
    let parsed: unknown = text;
    if (typeof text === "string") {
      try {
        parsed = JSON.parse(text);
      } catch {
        continue;
      }
    }
    if (typeof parsed !== "object" || parsed === null) continue;
    const record = parsed as Record<string, unknown>;
    if (readKeyAnyCase(record, "Type") !== "Expiration") continue;
    const attributes = readKeyAnyCase(record, "Attributes");
    if (typeof attributes === "object" && attributes !== null) {
      const when = toDate(readKeyAnyCase(attributes as Record<string, unknown>, "Timestamp"));
      if (when) return when;
    }
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
