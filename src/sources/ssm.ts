import {
  DescribeParametersCommand,
  GetParameterCommand,
  GetParametersByPathCommand,
  GetParametersCommand,
  type Parameter,
  type ParameterMetadata,
  SSMClient,
} from "@aws-sdk/client-ssm";
import pLimit from "p-limit";
import { ConfigLoadError } from "../errors/config-load-error.js";
import { addUniqueEntry, keyCollision } from "../mapping/config-tree.js";
import {
  type KeyCase,
  keyOf,
  normalizePath,
  type ParsedParameterName,
  parseBindingKey,
  parseParameterName,
  segmentsForName,
  withLeadingSlash,
} from "../mapping/parameter-names.js";
import { SensitiveString } from "../sensitive.js";
import { awsErrorName, parameterFromMessage, toLoadError } from "./aws/aws-errors.js";
import { chunk } from "./aws/batches.js";
import { type AwsClientLike, DEFAULT_REQUEST_HANDLER } from "./aws/client-defaults.js";
import { parseSourceResult, readKeyAnyCase, sameSecret, toDate } from "./aws/secret-ids.js";
import { describeSecretVersion } from "./aws/secret-versions.js";
import {
  type ChangeNotice,
  type ConfigSource,
  type MissingParameter,
  makeSourceState,
  type ParameterEntry,
  type SourceContext,
  type SourceState,
  sameDueDates,
  sameRevision,
} from "./contract.js";

/** The client surface `ssmSource` needs; any `SSMClient` satisfies it. */
export type SsmClientLike = AwsClientLike;

/** Options of {@link ssmSource}. */
export interface SsmSourceOptions {
  /**
   * The client to use; its timeouts and retries bound every call.
   * @default `new SSMClient(...)` with region and credentials from the environment, a 5 s connection
   * timeout and a 15 s request timeout
   */
  client?: SSMClient | SsmClientLike;
  /** A hierarchy to read recursively; its names become nested keys. */
  path?: string;
  /** Dotted key -> parameter name; `name:3`, `name:label` and Secrets Manager references allowed. */
  parameters?: Record<string, string>;
  /** How path segments become keys. @default "preserve" */
  keyCase?: KeyCase;
  /**
   * A Secrets Manager client for cheap change checks of secret references (`DescribeSecret`
   * instead of re-reading the secret through Parameter Store).
   */
  secretsClient?: SsmClientLike;
  /** How many requests may be in flight at once. @default 10 */
  maxConcurrency?: number;
}

/** Parameter Store's limits per request. */
const NAMES_PER_GET = 10;
const NAMES_PER_DESCRIBE_FILTER = 50;
const PAGE_SIZE_BY_PATH = 10;
const PAGE_SIZE_DESCRIBE = 50;

interface Binding {
  readonly key: string;
  readonly segments: readonly string[];
  readonly name: ParsedParameterName;
}

/** A name to fetch by `GetParameters`, and where its value goes. */
interface FetchRequest {
  readonly key: string;
  readonly segments: readonly string[];
  readonly name: ParsedParameterName;
  readonly origin: "path" | "binding";
}

interface FetchResult {
  readonly found: ParameterEntry[];
  readonly missing: FetchRequest[];
  readonly dueAt: Date[];
}

interface Listing {
  readonly version: number | string;
  readonly lastModified?: Date | undefined;
  readonly dueAt?: Date | undefined;
}

/**
 * Reads configuration from Parameter Store: a path (recursively, every page) and/or named
 * parameters, with SecureStrings decrypted and Secrets Manager references resolved. Every value
 * is held with its version, so refreshes fetch only what changed.
 *
 * Options are checked when the source is created, before any AWS call.
 *
 * @example
 * ssmSource({ path: "/app/prod", parameters: { stripe: "/aws/reference/secretsmanager/prod/stripe" } })
 */
export function ssmSource(options: SsmSourceOptions = {}): ConfigSource {
  return new SsmSource(options);
}

class SsmSource implements ConfigSource {
  readonly description: string;
  readonly #path: string | undefined;
  readonly #keyCase: KeyCase;
  readonly #bindings: readonly Binding[];
  readonly #boundKeys: ReadonlySet<string>;
  readonly #limit: ReturnType<typeof pLimit>;
  readonly #secretsClient: SsmClientLike | undefined;
  #client: SsmClientLike | undefined;

  constructor(options: SsmSourceOptions) {
    if (typeof options !== "object" || options === null) {
      throw new ConfigLoadError(
        "ssmSource: options must be an object with a path and/or parameters.",
      );
    }
    const keyCase = options.keyCase ?? "preserve";
    if (keyCase !== "preserve" && keyCase !== "camel") {
      throw new ConfigLoadError(
        `ssmSource: keyCase must be "preserve" or "camel", not ${JSON.stringify(keyCase)}.`,
      );
    }
    this.#keyCase = keyCase;
    this.#path = options.path === undefined ? undefined : normalizePath(options.path);
    const parameters = options.parameters ?? {};
    if (typeof parameters !== "object" || parameters === null || Array.isArray(parameters)) {
      throw new ConfigLoadError(
        "ssmSource: parameters must be an object of dotted key -> parameter name.",
      );
    }
    this.#bindings = Object.entries(parameters).map(([key, name]) => ({
      key,
      segments: parseBindingKey(key),
      name: parseParameterName(name, key),
    }));
    if (this.#path === undefined && this.#bindings.length === 0) {
      throw new ConfigLoadError(
        "ssmSource: give a path, parameters, or both; there is nothing to read.",
      );
    }
    const concurrency = options.maxConcurrency ?? 10;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new ConfigLoadError("ssmSource: maxConcurrency must be a positive integer.");
    }
    this.#limit = pLimit(concurrency);
    this.#boundKeys = new Set(this.#bindings.map((binding) => binding.key));
    this.#client = options.client as SsmClientLike | undefined;
    this.#secretsClient = options.secretsClient;
    this.description = `ssm:${this.#path ?? this.#bindings.map((b) => b.name.raw).join(",")}`;
  }

  get #ssm(): SsmClientLike {
    this.#client ??= new SSMClient({ requestHandler: DEFAULT_REQUEST_HANDLER });
    return this.#client;
  }

  async load(context: SourceContext): Promise<SourceState> {
    const [pathEntries, bound] = await Promise.all([
      this.#path === undefined ? [] : this.#readPath(this.#path, context),
      this.#fetch(
        this.#bindings.map((binding) => ({ ...binding, origin: "binding" })),
        context,
      ),
    ]);
    // Expiration policies are not in these answers; the first refresh (DescribeParameters) finds
    // them, and AWS also announces each expiry as a "Parameter Store Policy Action" event.
    return this.#assemble(pathEntries, bound.found, bound.missing, bound.dueAt);
  }

  async refresh(previous: SourceState, context: SourceContext): Promise<SourceState> {
    const held = [...previous.entries.values()];
    const [pathCheck, bindingCheck] = await Promise.all([
      this.#checkPath(held, context),
      this.#checkBindings(previous, context),
    ]);
    const toFetch = [...pathCheck.toFetch, ...bindingCheck.toFetch];
    const dueAt = [...pathCheck.dueAt, ...bindingCheck.dueAt];
    if (
      toFetch.length === 0 &&
      pathCheck.removed.size === 0 &&
      bindingCheck.nowMissing.length === 0
    ) {
      return sameDueDates(previous.dueAt, dueAt)
        ? previous
        : { ...previous, dueAt: dueAt.length ? dueAt : undefined };
    }
    const fetched = await this.#fetch(toFetch, context);
    const dropped = new Set([
      ...toFetch.map((request) => request.key),
      ...pathCheck.removed,
      ...bindingCheck.nowMissing.map((request) => request.key),
    ]);
    const kept = held.filter((entry) => !dropped.has(entry.key));
    return this.#merge(kept, fetched, bindingCheck.nowMissing, previous, [
      ...dueAt,
      ...fetched.dueAt,
    ]);
  }

  concerns(notice: ChangeNotice): boolean {
    if (notice.kind === "secret-changed") return this.#requestsFor(notice).length > 0;
    return this.#targetsOf(notice.name).length > 0;
  }

  async applyNotices(
    previous: SourceState,
    notices: readonly ChangeNotice[],
    context: SourceContext,
  ): Promise<SourceState> {
    const requests = new Map<string, FetchRequest>();
    const removals = new Map<string, FetchRequest>();
    for (const notice of notices) {
      for (const request of this.#requestsFor(notice)) {
        requests.set(request.key, request);
        removals.delete(request.key);
      }
      for (const request of this.#removalsFor(notice)) {
        removals.set(request.key, request);
        requests.delete(request.key);
      }
    }
    if (requests.size === 0 && removals.size === 0) return previous;
    for (const request of requests.values()) {
      // A new name whose key another held name already has (`max_conn` beside `max-conn`):
      // refuse, as a load would, until the other name is gone.
      const held = previous.entries.get(request.key);
      if (
        request.origin === "path" &&
        held?.origin === "path" &&
        held.parameter !== request.name.raw
      ) {
        throw keyCollision(held.parameter, request.name.raw, request.key);
      }
    }
    const fetched = await this.#fetch([...requests.values()], context);
    const touched = new Set([...requests.keys(), ...removals.keys()]);
    const kept = [...previous.entries.values()].filter((entry) => !touched.has(entry.key));
    const removedBindings = [...removals.values()].filter(
      (request) => request.origin === "binding",
    );
    return this.#merge(kept, fetched, removedBindings, previous, [
      ...(previous.dueAt ?? []),
      ...fetched.dueAt,
    ]);
  }

  /** What a notice asks to re-read: bindings on that name or secret, or the name under the path. */
  #requestsFor(notice: ChangeNotice): FetchRequest[] {
    if (notice.kind === "secret-changed") {
      return this.#bindings
        .filter((binding) => {
          const secretId = binding.name.secretId;
          return secretId !== undefined && notice.ids.some((id) => sameSecret(id, secretId));
        })
        .map((binding) => ({ ...binding, origin: "binding" }));
    }
    if (notice.kind !== "parameter-changed") return [];
    return this.#targetsOf(notice.name);
  }

  /** What a notice removes without a call: a deleted or expired parameter. */
  #removalsFor(notice: ChangeNotice): FetchRequest[] {
    return notice.kind === "parameter-removed" ? this.#targetsOf(notice.name) : [];
  }

  #targetsOf(eventName: string): FetchRequest[] {
    const name = withLeadingSlash(eventName);
    const targets: FetchRequest[] = this.#bindings
      .filter((binding) => !binding.name.secretId && withLeadingSlash(binding.name.base) === name)
      .map((binding) => ({ ...binding, origin: "binding" }));
    if (this.#path !== undefined) {
      const segments = segmentsForName(this.#path, name, this.#keyCase);
      if (segments && !this.#boundKeys.has(keyOf(segments))) {
        targets.push({
          key: keyOf(segments),
          segments,
          name: { raw: name, base: name },
          origin: "path",
        });
      }
    }
    return targets;
  }

  #assemble(
    pathEntries: readonly ParameterEntry[],
    bound: readonly ParameterEntry[],
    missing: readonly FetchRequest[],
    dueAt: Date[],
  ): SourceState {
    const entries = new Map<string, ParameterEntry>();
    for (const entry of pathEntries)
      if (!this.#boundKeys.has(entry.key)) addUniqueEntry(entries, entry);
    for (const entry of bound) entries.set(entry.key, entry);
    return makeSourceState(entries.values(), missing.map(toMissing), dueAt);
  }

  #merge(
    kept: readonly ParameterEntry[],
    fetched: FetchResult,
    removedBindings: readonly FetchRequest[],
    previous: SourceState,
    dueAt: Date[],
  ): SourceState {
    const pathEntries = [...kept, ...fetched.found].filter((entry) => entry.origin === "path");
    const bound = [...kept, ...fetched.found].filter((entry) => entry.origin === "binding");
    const stillMissing = this.#bindings
      .filter((binding) => previous.missing.has(binding.key))
      .map((binding) => ({ ...binding, origin: "binding" as const }));
    const missing = [
      ...stillMissing,
      ...removedBindings,
      ...fetched.missing.filter((r) => r.origin === "binding"),
    ];
    return this.#assemble(pathEntries, bound, missing, dueAt);
  }

  /** `GetParametersByPath`, recursive, decrypted, every page. */
  async #readPath(path: string, context: SourceContext): Promise<ParameterEntry[]> {
    const entries: ParameterEntry[] = [];
    const pages = this.#pages<{ Parameters?: Parameter[] }>(
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
    for await (const response of pages) {
      for (const parameter of response.Parameters ?? []) {
        const name = withLeadingSlash(parameter.Name ?? "");
        const segments = segmentsForName(path, name, this.#keyCase);
        if (!segments) continue;
        const request: FetchRequest = {
          key: keyOf(segments),
          segments,
          name: { raw: name, base: name },
          origin: "path",
        };
        entries.push(toEntry(parameter, request).entry);
      }
    }
    const unique = new Map<string, ParameterEntry>();
    for (const entry of entries) if (!this.#boundKeys.has(entry.key)) addUniqueEntry(unique, entry);
    return [...unique.values()];
  }

  /**
   * `GetParameters` in batches of 10, sent concurrently up to `maxConcurrency`. A batch never
   * holds two selectors of one name, so every answer can be matched to its request by name.
   */
  async #fetch(requests: readonly FetchRequest[], context: SourceContext): Promise<FetchResult> {
    const results = await Promise.all(
      batchByName(requests).map((batch) => this.#limit(() => this.#fetchBatch(batch, context))),
    );
    return combine(results);
  }

  async #fetchBatch(batch: readonly FetchRequest[], context: SourceContext): Promise<FetchResult> {
    let response: { Parameters?: Parameter[]; InvalidParameters?: string[] };
    try {
      response = (await this.#call(
        new GetParametersCommand({
          Names: batch.map((request) => request.name.raw),
          WithDecryption: true,
        }),
        undefined,
        context,
        false,
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
        : unmatched.findIndex((p) => answers(p, request.name));
      if (index === -1) {
        missing.push(request);
        continue;
      }
      const [parameter] = unmatched.splice(index, 1) as [Parameter];
      const { entry, due } = toEntry(parameter, request);
      found.push(entry);
      if (due) dueAt.push(due);
    }
    return { found, missing, dueAt };
  }

  async #fetchEach(batch: readonly FetchRequest[], context: SourceContext): Promise<FetchResult> {
    const results = await Promise.all(
      batch.map(async (request): Promise<FetchResult> => {
        try {
          const response = (await this.#call(
            new GetParameterCommand({ Name: request.name.raw, WithDecryption: true }),
            request.name.raw,
            context,
            false,
          )) as { Parameter?: Parameter };
          if (!response.Parameter) return { found: [], missing: [request], dueAt: [] };
          const { entry, due } = toEntry(response.Parameter, request);
          return { found: [entry], missing: [], dueAt: due ? [due] : [] };
        } catch (error) {
          if (
            awsErrorName(error) === "ParameterNotFound" ||
            awsErrorName(error) === "ParameterVersionNotFound"
          ) {
            return { found: [], missing: [request], dueAt: [] };
          }
          throw toLoadError(error, request.name.raw);
        }
      }),
    );
    return combine(results);
  }

  /**
   * Lists the path without decrypting anything (`DescribeParameters`, up to 50 a page) and
   * compares versions: new or changed names are fetched, vanished ones removed.
   */
  async #checkPath(
    held: readonly ParameterEntry[],
    context: SourceContext,
  ): Promise<{ toFetch: FetchRequest[]; removed: Set<string>; dueAt: Date[] }> {
    const path = this.#path;
    if (path === undefined) return { toFetch: [], removed: new Set(), dueAt: [] };
    const listing = await this.#describe(
      [{ Key: "Path", Option: "Recursive", Values: [path] }],
      path,
      context,
    );
    const heldByName = new Map(
      held
        .filter((entry) => entry.origin === "path")
        .map((entry) => [withLeadingSlash(entry.parameter), entry]),
    );
    const toFetch: FetchRequest[] = [];
    const dueAt: Date[] = [];
    const listedKeys = new Map<string, string>();
    for (const [name, item] of listing) {
      const segments = segmentsForName(path, name, this.#keyCase);
      if (!segments || this.#boundKeys.has(keyOf(segments))) continue;
      const other = listedKeys.get(keyOf(segments));
      if (other !== undefined) throw keyCollision(other, name, keyOf(segments));
      listedKeys.set(keyOf(segments), name);
      if (item.dueAt) dueAt.push(item.dueAt);
      const held = heldByName.get(name);
      if (!held || !sameRevision(held, item)) {
        toFetch.push({
          key: keyOf(segments),
          segments,
          name: { raw: name, base: name },
          origin: "path",
        });
      }
    }
    const removed = new Set(
      [...heldByName.values()].map((entry) => entry.key).filter((key) => !listedKeys.has(key)),
    );
    return { toFetch, removed, dueAt };
  }

  /**
   * Checks bound parameters without reading a secret: plain names with `DescribeParameters`,
   * selectors with a non-decrypting `GetParameters`, secret references with `DescribeSecret`
   * when a Secrets Manager client was given (otherwise they are re-read).
   */
  async #checkBindings(
    previous: SourceState,
    context: SourceContext,
  ): Promise<{ toFetch: FetchRequest[]; nowMissing: FetchRequest[]; dueAt: Date[] }> {
    const plain = this.#bindings.filter((b) => !b.name.secretId && !b.name.selector);
    const selected = this.#bindings.filter((b) => !b.name.secretId && b.name.selector);
    const secrets = this.#bindings.filter((b) => b.name.secretId);
    const [plainVersions, selectedVersions, secretVersions] = await Promise.all([
      this.#describeNames(
        plain.map((b) => withLeadingSlash(b.name.base)),
        context,
      ),
      this.#versionsWithoutDecryption(selected, context),
      this.#secretVersions(secrets, context),
    ]);
    const toFetch: FetchRequest[] = [];
    const nowMissing: FetchRequest[] = [];
    const dueAt: Date[] = [];
    const compare = (binding: Binding, current: Listing | undefined) => {
      const request: FetchRequest = { ...binding, origin: "binding" };
      const held = previous.entries.get(binding.key);
      if (current?.dueAt) dueAt.push(current.dueAt);
      if (!current) {
        if (held?.origin === "binding") nowMissing.push(request);
      } else if (held?.origin !== "binding" || !sameRevision(held, current)) {
        toFetch.push(request);
      }
    };
    for (const binding of plain)
      compare(binding, plainVersions.get(withLeadingSlash(binding.name.base)));
    for (const binding of selected) compare(binding, selectedVersions.get(binding.key));
    for (const binding of secrets) {
      const state = secretVersions.get(binding.key);
      if (state === "unknown") toFetch.push({ ...binding, origin: "binding" });
      else compare(binding, state);
    }
    return { toFetch, nowMissing, dueAt };
  }

  /** `DescribeParameters` with a filter, every page: name -> version and expiry. */
  async #describe(
    filters: Array<{ Key: string; Option: string; Values: string[] }>,
    parameter: string | undefined,
    context: SourceContext,
  ): Promise<Map<string, Listing>> {
    const listing = new Map<string, Listing>();
    const pages = this.#pages<{ Parameters?: ParameterMetadata[] }>(
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
          lastModified: item.LastModifiedDate,
          dueAt: expiryOf(item.Policies),
        });
      }
    }
    return listing;
  }

  async #describeNames(
    names: readonly string[],
    context: SourceContext,
  ): Promise<Map<string, Listing>> {
    const unique = [...new Set(names)];
    const chunks = chunk(unique, NAMES_PER_DESCRIBE_FILTER);
    const listings = await Promise.all(
      chunks.map((values) =>
        this.#limit(() =>
          this.#describe([{ Key: "Name", Option: "Equals", Values: values }], values[0], context),
        ),
      ),
    );
    return new Map(listings.flatMap((listing) => [...listing]));
  }

  /** Versions of selector bindings through `GetParameters` without decryption. */
  async #versionsWithoutDecryption(
    bindings: readonly Binding[],
    context: SourceContext,
  ): Promise<Map<string, Listing>> {
    const versions = new Map<string, Listing>();
    const requests = bindings.map((binding): FetchRequest => ({ ...binding, origin: "binding" }));
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
          )) as { Parameters?: Parameter[]; InvalidParameters?: string[] };
          const invalid = new Set(response.InvalidParameters ?? []);
          for (const request of batch) {
            if (invalid.has(request.name.raw)) continue;
            const parameter = response.Parameters?.find((p) => answers(p, request.name));
            if (parameter?.Version !== undefined)
              versions.set(request.key, {
                version: parameter.Version,
                lastModified: parameter.LastModifiedDate,
              });
          }
        }),
      ),
    );
    return versions;
  }

  /**
   * Current `VersionId` of each referenced secret via `DescribeSecret`; `"unknown"` when no
   * Secrets Manager client was given, which makes the caller re-read the reference.
   */
  async #secretVersions(
    bindings: readonly Binding[],
    context: SourceContext,
  ): Promise<Map<string, { version: string; dueAt?: Date | undefined } | "unknown" | undefined>> {
    const result = new Map<
      string,
      { version: string; dueAt?: Date | undefined } | "unknown" | undefined
    >();
    const client = this.#secretsClient;
    if (!client) {
      for (const binding of bindings) result.set(binding.key, "unknown");
      return result;
    }
    await Promise.all(
      bindings.map((binding) =>
        this.#limit(async () => {
          const state = await describeSecretVersion(
            client,
            binding.name.secretId as string,
            context.signal,
          );
          // No AWSCURRENT version to compare with: re-read the reference to be sure.
          if (state && !state.versionId) result.set(binding.key, "unknown");
          else if (state)
            result.set(binding.key, {
              version: state.versionId as string,
              dueAt: state.nextRotation,
            });
          else result.set(binding.key, undefined);
        }),
      ),
    );
    return result;
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

  async #call(
    command: unknown,
    parameter: string | undefined,
    context: SourceContext,
    wrapErrors = true,
  ): Promise<unknown> {
    try {
      return await this.#ssm.send(command, { abortSignal: context.signal });
    } catch (error) {
      if (!wrapErrors) throw error;
      throw toLoadError(error, parameterFromMessage(error) ?? parameter);
    }
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

function toMissing(request: FetchRequest): MissingParameter {
  return { key: request.key, segments: request.segments, parameter: request.name.raw };
}

/** Whether a `GetParameters` answer is the one for a requested name. */
function answers(parameter: Parameter, name: ParsedParameterName): boolean {
  const returned = parameter.Name ?? "";
  if (name.secretId !== undefined) {
    if (returned === name.raw || sameSecret(returned, name.secretId)) return true;
    const arn = parameter.ARN ?? "";
    return arn !== "" && sameSecret(arn, name.secretId);
  }
  return withLeadingSlash(returned) === withLeadingSlash(name.base);
}

/** Converts an SSM parameter to an entry; secrets are wrapped so that they cannot be printed. */
function toEntry(
  parameter: Parameter,
  request: FetchRequest,
): { entry: ParameterEntry; due?: Date } {
  const raw = parameter.Value ?? "";
  const lastModified = parameter.LastModifiedDate;
  const base = {
    key: request.key,
    segments: request.segments,
    parameter: request.name.raw,
    lastModified,
    origin: request.origin,
  };
  if (request.name.secretId !== undefined || parameter.SourceResult) {
    const { versionId, nextRotation } = parseSourceResult(parameter.SourceResult);
    const entry: ParameterEntry = {
      ...base,
      value: new SensitiveString(raw),
      version: versionId ?? parameter.Version ?? 0,
      type: "Secret",
      sensitive: true,
    };
    return nextRotation ? { entry, due: nextRotation } : { entry };
  }
  const type = parameter.Type ?? "String";
  const version = parameter.Version ?? 0;
  const due = expiryOf((parameter as { Policies?: ParameterMetadata["Policies"] }).Policies);
  const value =
    type === "SecureString"
      ? new SensitiveString(raw)
      : type === "StringList"
        ? raw.split(",")
        : raw;
  const entry: ParameterEntry = {
    ...base,
    value,
    version,
    type,
    sensitive: type === "SecureString",
  };
  return due ? { entry, due } : { entry };
}

/** The time an `Expiration` policy deletes the parameter, if it has one. */
function expiryOf(policies: ParameterMetadata["Policies"] | undefined): Date | undefined {
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

/** Batches of at most 10 in which no base name (or secret) appears twice. */
function batchByName(requests: readonly FetchRequest[]): FetchRequest[][] {
  const batches: Array<{ names: Set<string>; items: FetchRequest[] }> = [];
  for (const request of requests) {
    const name = request.name.secretId ?? withLeadingSlash(request.name.base);
    let batch = batches.find((b) => b.items.length < NAMES_PER_GET && !b.names.has(name));
    if (!batch) {
      batch = { names: new Set(), items: [] };
      batches.push(batch);
    }
    batch.names.add(name);
    batch.items.push(request);
  }
  return batches.map((batch) => batch.items);
}
