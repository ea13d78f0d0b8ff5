import {
  DescribeParametersCommand,
  GetParameterCommand,
  GetParametersByPathCommand,
  GetParametersCommand,
  type ParameterStringFilter,
} from "@aws-sdk/client-ssm";
import type pLimit from "p-limit";
import { withLeadingSlash } from "../../mapping/parameter-names.js";
import { awsErrorName, parameterFromMessage, toLoadError } from "../aws/aws-errors.js";
import { chunk } from "../aws/batches.js";
import type { AwsClientLike } from "../aws/client-defaults.js";
import { sameSecret } from "../aws/secret-ids.js";
import type { ParameterEntry, SourceContext } from "../contract.js";
import { decodeParameter, expiryOf, type SsmParameterLike, toEntry } from "./decode.js";
import type { FetchRequest } from "./targets.js";

/** Parameter Store's limits per request. */
const NAMES_PER_GET = 10;
const NAMES_PER_DESCRIBE_FILTER = 50;
const PAGE_SIZE_BY_PATH = 10;
const PAGE_SIZE_DESCRIBE = 50;

/** What a fetch found: entries, bindings that do not exist, and times values will change. */
export interface FetchResult {
  readonly found: ParameterEntry[];
  readonly missing: FetchRequest[];
  readonly dueAt: Date[];
}

/** A parameter's revision as a listing reports it, without its value. */
export interface Listing {
  readonly version: number | string;
  /** Epoch milliseconds, as entries hold it. */
  readonly lastModified?: number | undefined;
  readonly dueAt?: Date | undefined;
}

interface ParameterMetadataLike {
  readonly Name?: string | undefined;
  readonly Version?: number | undefined;
  readonly LastModifiedDate?: Date | undefined;
  readonly Policies?: SsmParameterLike["Policies"];
}

/**
 * The Parameter Store calls of `ssmSource`: paging, batching by Parameter Store's limits with at
 * most `maxConcurrency` requests in flight, and the fallbacks AWS forces (a missing secret
 * reference fails a whole `GetParameters` batch). Every failure becomes a `ConfigLoadError` that
 * names the parameter.
 */
export class SsmCalls {
  readonly #client: () => AwsClientLike;
  readonly #limit: ReturnType<typeof pLimit>;

  constructor(client: () => AwsClientLike, limit: ReturnType<typeof pLimit>) {
    this.#client = client;
    this.#limit = limit;
  }

  /**
   * `GetParametersByPath`, recursive, decrypted, every page; `visit` sees each parameter as its
   * page arrives, so that mapping one page overlaps fetching the next.
   */
  async readPath(
    path: string,
    context: SourceContext,
    visit: (parameter: SsmParameterLike) => void,
  ): Promise<void> {
    const pages = this.#pages<{ Parameters?: SsmParameterLike[] }>(
      (NextToken) =>
        new GetParametersByPathCommand({
          Path: path,
          Recursive: true,
          WithDecryption: true,
          MaxResults: PAGE_SIZE_BY_PATH,
          NextToken,
        }),
      path,
      context,
    );
    for await (const response of pages)
      for (const parameter of response.Parameters ?? []) visit(parameter);
  }

  /**
   * `GetParameters` in batches of 10, sent concurrently up to `maxConcurrency`. A batch never
   * holds two selectors of one name, so every answer can be matched to its request by name.
   */
  async fetch(requests: readonly FetchRequest[], context: SourceContext): Promise<FetchResult> {
    if (requests.length === 0) return { found: [], missing: [], dueAt: [] };
    const results = await Promise.all(
      batchByName(requests).map((batch) => this.#limit(() => this.#fetchBatch(batch, context))),
    );
    return combine(results);
  }

  /** `DescribeParameters` with a filter, every page: name (with a leading `/`) -> revision. */
  async describe(
    filters: ParameterStringFilter[],
    parameter: string | undefined,
    context: SourceContext,
  ): Promise<Map<string, Listing>> {
    const listing = new Map<string, Listing>();
    const pages = this.#pages<{ Parameters?: ParameterMetadataLike[] }>(
      (NextToken) =>
        new DescribeParametersCommand({
          ParameterFilters: filters,
          MaxResults: PAGE_SIZE_DESCRIBE,
          NextToken,
        }),
      parameter,
      context,
    );
    for await (const response of pages) {
      for (const item of response.Parameters ?? []) {
        if (!item.Name || item.Version === undefined) continue;
        listing.set(withLeadingSlash(item.Name), {
          version: item.Version,
          lastModified: item.LastModifiedDate?.getTime(),
          dueAt: expiryOf(item.Policies),
        });
      }
    }
    return listing;
  }

  /** Revisions of plain names, 50 to a `DescribeParameters` filter; nothing is decrypted. */
  async describeNames(
    names: readonly string[],
    context: SourceContext,
  ): Promise<Map<string, Listing>> {
    const chunks = chunk([...new Set(names)], NAMES_PER_DESCRIBE_FILTER);
    const listings = await Promise.all(
      chunks.map((values) =>
        this.#limit(() =>
          this.describe([{ Key: "Name", Option: "Equals", Values: values }], values[0], context),
        ),
      ),
    );
    const merged = new Map<string, Listing>();
    for (const listing of listings) for (const [name, item] of listing) merged.set(name, item);
    return merged;
  }

  /**
   * Revisions by key through `GetParameters` without decryption (selectors allowed), for checks
   * that must not read a secret; a key absent from the result does not exist.
   */
  async revisions(
    requests: readonly FetchRequest[],
    context: SourceContext,
  ): Promise<Map<string, Listing>> {
    const versions = new Map<string, Listing>();
    await Promise.all(
      batchByName(requests).map((batch) =>
        this.#limit(async () => {
          const response = (await this.#call(
            new GetParametersCommand({
              Names: batch.map((r) => r.name.raw),
              WithDecryption: false,
            }),
            batch[0]?.name.raw,
            context,
          )) as { Parameters?: SsmParameterLike[]; InvalidParameters?: string[] };
          const invalid = new Set(response.InvalidParameters ?? []);
          for (const request of batch) {
            if (invalid.has(request.name.raw)) continue;
            const parameter = response.Parameters?.find((p) => answers(p, request));
            if (parameter?.Version !== undefined)
              versions.set(request.key, {
                version: parameter.Version,
                lastModified: parameter.LastModifiedDate?.getTime(),
              });
          }
        }),
      ),
    );
    return versions;
  }

  async #fetchBatch(batch: readonly FetchRequest[], context: SourceContext): Promise<FetchResult> {
    let response: { Parameters?: SsmParameterLike[]; InvalidParameters?: string[] };
    try {
      response = (await this.#send(
        new GetParametersCommand({
          Names: batch.map((request) => request.name.raw),
          WithDecryption: true,
        }),
        context,
      )) as typeof response;
    } catch (error) {
      // A missing Secrets Manager reference fails the whole batch; read its names one by one.
      if (awsErrorName(error) === "ParameterNotFound" && batch.length > 1)
        return this.#fetchEach(batch, context);
      if (awsErrorName(error) === "ParameterNotFound")
        return { found: [], missing: [...batch], dueAt: [] };
      throw toLoadError(error, parameterFromMessage(error) ?? batch[0]?.name.raw);
    }
    const invalid = new Set(response.InvalidParameters ?? []);
    const unmatched = [...(response.Parameters ?? [])];
    const found: ParameterEntry[] = [];
    const missing: FetchRequest[] = [];
    const dueAt: Date[] = [];
    for (const request of batch) {
      const index = invalid.has(request.name.raw)
        ? -1
        : unmatched.findIndex((p) => answers(p, request));
      if (index === -1) {
        missing.push(request);
        continue;
      }
      const [parameter] = unmatched.splice(index, 1) as [SsmParameterLike];
      const decoded = decodeParameter(parameter, request.name.secretId !== undefined);
      found.push(toEntry(decoded, request));
      if (decoded.dueAt) dueAt.push(decoded.dueAt);
    }
    return { found, missing, dueAt };
  }

  async #fetchEach(batch: readonly FetchRequest[], context: SourceContext): Promise<FetchResult> {
    const results = await Promise.all(
      batch.map(async (request): Promise<FetchResult> => {
        try {
          const response = (await this.#send(
            new GetParameterCommand({ Name: request.name.raw, WithDecryption: true }),
            context,
          )) as { Parameter?: SsmParameterLike };
          if (!response.Parameter) return { found: [], missing: [request], dueAt: [] };
          const decoded = decodeParameter(response.Parameter, request.name.secretId !== undefined);
          return {
            found: [toEntry(decoded, request)],
            missing: [],
            dueAt: decoded.dueAt ? [decoded.dueAt] : [],
          };
        } catch (error) {
          const name = awsErrorName(error);
          if (name === "ParameterNotFound" || name === "ParameterVersionNotFound") {
            return { found: [], missing: [request], dueAt: [] };
          }
          throw toLoadError(error, request.name.raw);
        }
      }),
    );
    return combine(results);
  }

  /**
   * Every page of a paginated listing. Each page's token chains the requests, but the next page
   * is requested as soon as a page arrives, so that mapping one page overlaps fetching the next.
   */
  async *#pages<Page extends object>(
    command: (nextToken: string | undefined) => unknown,
    parameter: string | undefined,
    context: SourceContext,
  ): AsyncGenerator<Page> {
    let pending: Promise<unknown> | undefined = this.#call(command(undefined), parameter, context);
    try {
      while (pending) {
        const response = (await pending) as Page & { NextToken?: string };
        pending = response.NextToken
          ? this.#call(command(response.NextToken), parameter, context)
          : undefined;
        yield response as Awaited<Page>;
      }
    } finally {
      // The consumer stopped early (it threw): the request already sent must not reject unheard.
      pending?.catch(() => {});
    }
  }

  /** Sends a command; a failure becomes a `ConfigLoadError` naming `parameter`. */
  async #call(command: unknown, parameter: string | undefined, context: SourceContext) {
    try {
      return await this.#send(command, context);
    } catch (error) {
      throw toLoadError(error, parameterFromMessage(error) ?? parameter);
    }
  }

  #send(command: unknown, context: SourceContext): Promise<unknown> {
    return this.#client().send(command, { abortSignal: context.signal });
  }
}

/** The results of several batches as one. */
function combine(results: readonly FetchResult[]): FetchResult {
  return {
    found: results.flatMap((result) => result.found),
    missing: results.flatMap((result) => result.missing),
    dueAt: results.flatMap((result) => result.dueAt),
  };
}

/** Whether a `GetParameters` answer is the one for a requested name. */
function answers(parameter: SsmParameterLike, request: FetchRequest): boolean {
  const { name } = request;
  const returned = parameter.Name ?? "";
  if (name.secretId !== undefined) {
    if (returned === name.raw || sameSecret(returned, name.secretId)) return true;
    const arn = (parameter as { ARN?: string }).ARN ?? "";
    return arn !== "" && sameSecret(arn, name.secretId);
  }
  return withLeadingSlash(returned) === withLeadingSlash(name.base);
}

/**
 * Batches of at most 10 in which no base name (or secret) appears twice; each request goes to the
 * first batch with room that lacks its name. Linear: a name's later requests can only go to
 * batches after the one its previous request went to, and batches before `firstOpen` are full.
 */
export function batchByName(requests: readonly FetchRequest[]): FetchRequest[][] {
  const batches: FetchRequest[][] = [];
  const nextFor = new Map<string, number>();
  let firstOpen = 0;
  for (const request of requests) {
    const name = request.name.secretId ?? withLeadingSlash(request.name.base);
    let index = Math.max(firstOpen, nextFor.get(name) ?? 0);
    while ((batches[index]?.length ?? 0) >= NAMES_PER_GET) index++;
    let batch = batches[index];
    if (!batch) {
      batch = [];
      batches[index] = batch;
    }
    batch.push(request);
    nextFor.set(name, index + 1);
    while ((batches[firstOpen]?.length ?? 0) >= NAMES_PER_GET) firstOpen++;
  }
  return batches;
}
