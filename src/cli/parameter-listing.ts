import {
  DescribeParametersCommand,
  GetParameterCommand,
  GetParameterHistoryCommand,
  GetParametersByPathCommand,
  type ParameterHistory,
  type SSMClient,
} from "@aws-sdk/client-ssm";
import { SECRET_REFERENCE_PREFIX } from "../mapping/parameter-names.js";
import { REDACTED, SensitiveString } from "../sensitive.js";
import { chunk } from "../sources/aws/batches.js";
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

/** One page of a paginated AWS answer: its items and the token of the next page, if any. */
export interface Page<Item> {
  readonly items: readonly Item[] | undefined;
  readonly nextToken: string | undefined;
}

/** More pages than any Parameter Store account can fill: a guard against a token that repeats. */
const MAX_PAGES = 100_000;

/**
 * Every item of a paginated AWS call: `fetchPage` is called with each page's `NextToken` (first
 * `undefined`) until a page has none. Counts items on `progress` and ends it in any case.
 */
export async function paginate<Item>(
  fetchPage: (token: string | undefined) => Promise<Page<Item>>,
  progress?: ProgressReporter,
): Promise<Item[]> {
  const items: Item[] = [];
  let token: string | undefined;
  try {
    for (let pages = 0; pages === 0 || token; pages++) {
      if (pages >= MAX_PAGES) throw new Error(`stopped after ${MAX_PAGES} pages`);
      const page = await fetchPage(token);
      const got = page.items ?? [];
      items.push(...got);
      progress?.add(got.length);
      token = page.nextToken || undefined;
    }
  } finally {
    progress?.done();
  }
  return items;
}

/** Every parameter under `path`, recursively, every page, sorted by name. */
export async function listParameters(
  client: SSMClient,
  path: string,
  options: { decrypt: boolean; progress?: ProgressReporter },
): Promise<ListedParameter[]> {
  const found = await paginate(async (token) => {
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
    return {
      items: page.Parameters?.map((parameter) => toListed(parameter)),
      nextToken: page.NextToken,
    };
  }, options.progress);
  return found.sort(byName);
}

/** Every version of a parameter, oldest first. */
export async function parameterHistory(
  client: SSMClient,
  name: string,
  options: { decrypt: boolean; progress?: ProgressReporter },
): Promise<HistoryEntry[]> {
  const entries = await paginate(async (token) => {
    const page = await callAws(name, () =>
      client.send(
        new GetParameterHistoryCommand({
          Name: name,
          WithDecryption: options.decrypt,
          NextToken: token,
        }),
      ),
    );
    return { items: page.Parameters?.map(toHistoryEntry), nextToken: page.NextToken };
  }, options.progress);
  return entries.sort((a, b) => Number(a.version) - Number(b.version));
}

/**
 * The KMS key of each SecureString among `names` (names of other types, or absent, are not in
 * the map), read with `DescribeParameters`, 50 names a request (the filter's limit).
 */
export async function currentKeyIds(
  client: SSMClient,
  names: readonly string[],
): Promise<Map<string, string>> {
  const keys = new Map<string, string>();
  for (const batch of chunk(names, 50)) {
    const described = await paginate(async (token) => {
      const page = await callAws(batch.join(", "), () =>
        client.send(
          new DescribeParametersCommand({
            ParameterFilters: [{ Key: "Name", Option: "Equals", Values: batch }],
            MaxResults: 50,
            NextToken: token,
          }),
        ),
      );
      return { items: page.Parameters, nextToken: page.NextToken };
    });
    for (const parameter of described) {
      if (parameter.Name && parameter.Type === "SecureString" && parameter.KeyId) {
        keys.set(parameter.Name, parameter.KeyId);
      }
    }
  }
  return keys;
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

/** Orders anything named by its name, as Parameter Store lists names. */
export function byName(a: { readonly name: string }, b: { readonly name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
