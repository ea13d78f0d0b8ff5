import {
  GetParameterCommand,
  GetParameterHistoryCommand,
  GetParametersByPathCommand,
  type Parameter,
  type ParameterHistory,
  type SSMClient,
} from "@aws-sdk/client-ssm";
import { SECRET_REFERENCE_PREFIX } from "../mapping/parameter-names.js";
import { REDACTED, SensitiveString } from "../sensitive.js";
import { parseSourceResult } from "../sources/aws/secret-ids.js";
import { callAws } from "./aws.js";
import type { ProgressReporter } from "./progress.js";

/** The type the CLI reports: Parameter Store's own, or `Secret` for a Secrets Manager reference. */
export type ParameterKind = "String" | "StringList" | "SecureString" | "Secret";

/**
 * A parameter as the CLI shows it. A sensitive value (SecureString, secret) is held as a
 * `SensitiveString`, so that it prints as `[REDACTED]` unless a command unwraps it on purpose.
 */
export interface ListedParameter {
  readonly name: string;
  readonly type: ParameterKind;
  /** SSM `Version`, or the secret's `VersionId` for a Secrets Manager reference. */
  readonly version: number | string;
  readonly lastModified?: Date | undefined;
  /** `StringList` values as stored: joined by commas. */
  readonly value: string | SensitiveString;
  readonly sensitive: boolean;
}

/** One entry of a parameter's history. */
export interface HistoryEntry extends ListedParameter {
  readonly user?: string | undefined;
  readonly labels: readonly string[];
}

/** The value to print: the plain value, or `[REDACTED]` for a sensitive one unless `reveal`. */
export function shownValue(
  parameter: { value: string | SensitiveString },
  reveal: boolean,
): string {
  const { value } = parameter;
  if (value instanceof SensitiveString) return reveal ? value.reveal() : REDACTED;
  return value;
}

/** The plain value, sensitive or not: for commands whose purpose is to hand values on. */
export function plainValue(parameter: { value: string | SensitiveString }): string {
  const { value } = parameter;
  return value instanceof SensitiveString ? value.reveal() : value;
}

/** True for a `/aws/reference/secretsmanager/…` name. */
export function isSecretReference(name: string): boolean {
  return name.startsWith(SECRET_REFERENCE_PREFIX);
}

/**
 * Reads one parameter (selectors such as `name:3` or `name:label` allowed). Values are decrypted
 * only when `decrypt` is set, except for secret references, which Parameter Store serves only
 * decrypted.
 */
export async function getParameter(
  client: SSMClient,
  name: string,
  options: { decrypt: boolean },
): Promise<ListedParameter> {
  const secret = isSecretReference(name);
  const response = await callAws(name, () =>
    client.send(new GetParameterCommand({ Name: name, WithDecryption: options.decrypt || secret })),
  );
  return toListed(response.Parameter ?? {}, secret ? name : undefined);
}

/** Every parameter under `path`, recursively, every page, sorted by name. */
export async function listParameters(
  client: SSMClient,
  path: string,
  options: { decrypt: boolean; progress?: ProgressReporter },
): Promise<ListedParameter[]> {
  const found: ListedParameter[] = [];
  let nextToken: string | undefined;
  try {
    do {
      const token = nextToken;
      const page = await callAws(path, () =>
        client.send(
          new GetParametersByPathCommand({
            Path: path,
            Recursive: true,
            WithDecryption: options.decrypt,
            NextToken: token,
          }),
        ),
      );
      const parameters = page.Parameters ?? [];
      for (const parameter of parameters) found.push(toListed(parameter));
      options.progress?.add(parameters.length);
      nextToken = page.NextToken || undefined;
    } while (nextToken);
  } finally {
    options.progress?.done();
  }
  return found.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Every version of a parameter, oldest first. */
export async function parameterHistory(
  client: SSMClient,
  name: string,
  options: { decrypt: boolean; progress?: ProgressReporter },
): Promise<HistoryEntry[]> {
  const entries: HistoryEntry[] = [];
  let nextToken: string | undefined;
  try {
    do {
      const token = nextToken;
      const page = await callAws(name, () =>
        client.send(
          new GetParameterHistoryCommand({
            Name: name,
            WithDecryption: options.decrypt,
            NextToken: token,
          }),
        ),
      );
      const versions = page.Parameters ?? [];
      for (const version of versions) entries.push(toHistoryEntry(version));
      options.progress?.add(versions.length);
      nextToken = page.NextToken || undefined;
    } while (nextToken);
  } finally {
    options.progress?.done();
  }
  return entries.sort((a, b) => Number(a.version) - Number(b.version));
}

function toListed(parameter: Parameter, secretName?: string): ListedParameter {
  const raw = parameter.Value ?? "";
  const lastModified = parameter.LastModifiedDate;
  if (secretName !== undefined || parameter.SourceResult) {
    const { versionId } = parseSourceResult(parameter.SourceResult);
    return {
      name: secretName ?? parameter.Name ?? "",
      type: "Secret",
      version: versionId ?? parameter.Version ?? 0,
      lastModified,
      value: new SensitiveString(raw),
      sensitive: true,
    };
  }
  const type = (parameter.Type ?? "String") as ParameterKind;
  const sensitive = type === "SecureString";
  return {
    name: parameter.Name ?? "",
    type,
    version: parameter.Version ?? 0,
    lastModified,
    value: sensitive ? new SensitiveString(raw) : raw,
    sensitive,
  };
}

function toHistoryEntry(version: ParameterHistory): HistoryEntry {
  const type = (version.Type ?? "String") as ParameterKind;
  const sensitive = type === "SecureString";
  const raw = version.Value ?? "";
  return {
    name: version.Name ?? "",
    type,
    version: version.Version ?? 0,
    lastModified: version.LastModifiedDate,
    value: sensitive ? new SensitiveString(raw) : raw,
    sensitive,
    user: version.LastModifiedUser,
    labels: version.Labels ?? [],
  };
}
