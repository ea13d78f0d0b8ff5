import {
  GetParameterCommand,
  GetParameterHistoryCommand,
  GetParametersByPathCommand,
  type ParameterHistory,
  type SSMClient,
} from "@aws-sdk/client-ssm";
import { SECRET_REFERENCE_PREFIX } from "../mapping/parameter-names.js";
import { REDACTED, SensitiveString } from "../sensitive.js";
import {
  type DecodedParameter,
  decodeParameter,
  type SsmParameterLike,
  type SsmValueType,
} from "../sources/ssm/decode.js";
import { callAws } from "./aws.js";
import type { ProgressReporter } from "./progress.js";

/** The type the CLI reports: Parameter Store's own, or `Secret` for a Secrets Manager reference. */
export type ParameterKind = SsmValueType;

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

/**
 * A parameter as the CLI lists it, decoded by the library's own decoder, so that the CLI and
 * `ssmSource` agree on types, versions and sensitivity. A StringList is shown as stored (joined
 * by commas), which the decoder's split reverses exactly.
 */
function toListed(parameter: SsmParameterLike, secretName?: string): ListedParameter {
  const decoded = decodeParameter(parameter, secretName !== undefined);
  return {
    name: secretName ?? parameter.Name ?? "",
    type: decoded.type,
    version: decoded.version,
    lastModified: decoded.lastModified,
    value: storedForm(decoded.value),
    sensitive: decoded.sensitive,
  };
}

function storedForm(value: DecodedParameter["value"]): string | SensitiveString {
  return typeof value === "string" || value instanceof SensitiveString ? value : value.join(",");
}

function toHistoryEntry(version: ParameterHistory): HistoryEntry {
  return { ...toListed(version), user: version.LastModifiedUser, labels: version.Labels ?? [] };
}
