import { SSMClient } from "@aws-sdk/client-ssm";
import pLimit from "p-limit";
import { addUniqueEntry, keyCollision } from "../../mapping/config-tree.js";
import { withLeadingSlash } from "../../mapping/parameter-names.js";
import { type AwsClientLike, DEFAULT_REQUEST_HANDLER } from "../aws/client-defaults.js";
import {
  type ChangeNotice,
  type ConfigSource,
  type MissingParameter,
  type ParameterEntry,
  type SourceContext,
  type SourceState,
  type SourceWatches,
  sameDueDates,
  sameRevision,
} from "../contract.js";
import { PatchedMap } from "../patched-map.js";
import { type FetchResult, type Listing, SsmCalls } from "./calls.js";
import { decodeParameter, PathEntry, toEntry } from "./decode.js";
import type { SsmSettings } from "./options.js";
import type { SecretVersionLookup } from "./secret-versions.js";
import {
  type BindingRequest,
  type FetchRequest,
  heldFrom,
  type NoticeShare,
  RequestTargets,
  toMissing,
} from "./targets.js";

/** What a version check found: keys to re-read, path keys that vanished, bindings now missing. */
interface Check {
  readonly toFetch: FetchRequest[];
  readonly removed: FetchRequest[];
  readonly dueAt: Date[];
}

/**
 * The Parameter Store source: loads everything once, then keeps it current with version-only
 * checks (refresh) and with change notices, re-reading only what changed. Pure over states:
 * it never keeps the state it returns.
 */
export class SsmSource implements ConfigSource<NoticeShare> {
  readonly description: string;
  readonly #targets: RequestTargets;
  readonly #calls: SsmCalls;
  readonly #limit: ReturnType<typeof pLimit>;
  readonly #secretVersions: SecretVersionLookup | undefined;
  #client: AwsClientLike | undefined;

  constructor(settings: SsmSettings) {
    this.#targets = new RequestTargets(settings.path, settings.keyCase, settings.bindings);
    this.#limit = pLimit(settings.maxConcurrency);
    this.#client = settings.client;
    this.#calls = new SsmCalls(() => this.#ssm(), this.#limit);
    this.#secretVersions = settings.secretVersions;
    this.description = `ssm:${settings.path ?? settings.bindings.map((b) => b.name.raw).join(",")}`;
  }

  #ssm(): AwsClientLike {
    this.#client ??= new SSMClient({ requestHandler: DEFAULT_REQUEST_HANDLER });
    return this.#client;
  }

  async load(context: SourceContext): Promise<SourceState> {
    const [pathEntries, bound] = await Promise.all([
      this.#readPath(context),
      this.#calls.fetch(this.#targets.bindings, context),
    ]);
    // Expiration policies are not in these answers; the first refresh (DescribeParameters) finds
    // them, and AWS also announces each expiry as a "Parameter Store Policy Action" event.
    const entries = pathEntries;
    for (const entry of bound.found) entries.set(entry.key, entry);
    const missing = new Map<string, MissingParameter>();
    for (const request of bound.missing) missing.set(request.key, toMissing(request));
    return { entries, missing, dueAt: bound.dueAt.length ? bound.dueAt : undefined };
  }

  async refresh(previous: SourceState, context: SourceContext): Promise<SourceState> {
    const [pathCheck, bindingCheck] = await Promise.all([
      this.#checkPath(previous, context),
      this.#checkBindings(previous, context),
    ]);
    const toFetch = [...pathCheck.toFetch, ...bindingCheck.toFetch];
    const dueAt = [...pathCheck.dueAt, ...bindingCheck.dueAt];
    const removed = [...pathCheck.removed, ...bindingCheck.removed];
    if (toFetch.length === 0 && removed.length === 0) {
      return sameDueDates(previous.dueAt, dueAt)
        ? previous
        : { ...previous, dueAt: dueAt.length ? dueAt : undefined };
    }
    const fetched = await this.#calls.fetch(toFetch, context);
    return this.#update(previous, toFetch, removed, fetched, [...dueAt, ...fetched.dueAt]);
  }

  shareOf(notice: ChangeNotice, previous: SourceState): NoticeShare | undefined {
    return this.#targets.shareOf(notice, previous);
  }

  watches(): SourceWatches {
    const bindings = this.#targets.bindings;
    return {
      paths: this.#targets.path === undefined ? [] : [this.#targets.path],
      names: bindings.flatMap((b) => (b.name.secretId ? [] : [b.name.base])),
      secrets: bindings.flatMap((b) => (b.name.secretId ? [b.name.secretId] : [])),
    };
  }

  /**
   * Re-reads what the notices' shares name; a later notice about a key overrides an earlier one.
   * A removal removes only a held entry of exactly that name, and only once it is sure the
   * parameter is gone: events arrive in any order (a replacement's Create may come before its
   * Delete), so a removal older than the held value is checked with a non-decrypting
   * `GetParameters` first.
   */
  async applyNotices(
    previous: SourceState,
    shares: readonly NoticeShare[],
    context: SourceContext,
  ): Promise<SourceState> {
    const reads = new Map<string, FetchRequest>();
    const removals = new Map<string, { request: FetchRequest; time: number | undefined }>();
    for (const { reads: wanted, removal } of shares) {
      for (const request of wanted) {
        reads.set(request.key, request);
        removals.delete(request.key);
      }
      if (!removal) continue;
      for (const request of removal.targets) {
        // Held when the notice arrived; an earlier run may have changed that since.
        if (!heldFrom(previous, request, removal.name)) continue;
        removals.set(request.key, { request, time: removal.time });
        reads.delete(request.key);
      }
    }
    if (reads.size === 0 && removals.size === 0) return previous;
    for (const request of reads.values()) {
      // A new name whose key another held name already has (`max_conn` beside `max-conn`):
      // refuse, as a load would, until the other name is gone. A path key is never bound, so
      // what it holds came from the path too.
      const held = previous.entries.get(request.key);
      if (request.origin === "path" && held && held.parameter !== request.name.raw) {
        throw keyCollision(held.parameter, request.name.raw, request.key);
      }
    }
    const removed = await this.#confirmRemovals(previous, [...removals.values()], reads, context);
    if (reads.size === 0 && removed.length === 0) return previous;
    const toFetch = [...reads.values()];
    const fetched = await this.#calls.fetch(toFetch, context);
    return this.#update(previous, toFetch, removed, fetched, [
      ...(previous.dueAt ?? []),
      ...fetched.dueAt,
    ]);
  }

  /**
   * The removals that hold: a removal newer than the held value's last modification is applied
   * without a call; any other is confirmed. A parameter that still exists is not removed, and is
   * re-read (added to `reads`) when its revision differs from the one held.
   */
  async #confirmRemovals(
    previous: SourceState,
    removals: ReadonlyArray<{ request: FetchRequest; time: number | undefined }>,
    reads: Map<string, FetchRequest>,
    context: SourceContext,
  ): Promise<FetchRequest[]> {
    const removed: FetchRequest[] = [];
    const unsure: FetchRequest[] = [];
    for (const { request, time } of removals) {
      const modified = previous.entries.get(request.key)?.lastModified;
      if (time !== undefined && modified !== undefined && time > modified) removed.push(request);
      else unsure.push(request);
    }
    if (unsure.length === 0) return removed;
    const current = await this.#calls.revisions(unsure, context);
    for (const request of unsure) {
      const revision = current.get(request.key);
      const held = previous.entries.get(request.key);
      if (!revision) removed.push(request);
      else if (!held || !sameRevision(held, revision)) reads.set(request.key, request);
    }
    return removed;
  }

  /** `GetParametersByPath` under the path, as entries by key; names on one key are an error. */
  async #readPath(context: SourceContext): Promise<Map<string, ParameterEntry>> {
    const entries = new Map<string, ParameterEntry>();
    const path = this.#targets.path;
    if (path === undefined) return entries;
    await this.#calls.readPath(path, context, (parameter) => {
      const request = this.#targets.pathRequest(parameter.Name ?? "");
      if (request) addUniqueEntry(entries, toEntry(decodeParameter(parameter, false), request));
    });
    return entries;
  }

  /**
   * The next state: `previous` with `fetched` in place of what was re-read, and `removed`
   * gone (a removed binding becomes missing). Work proportional to what changed (and to the
   * missing bindings, copied when one of them changes).
   */
  #update(
    previous: SourceState,
    requested: readonly FetchRequest[],
    removed: readonly FetchRequest[],
    fetched: FetchResult,
    dueAt: readonly Date[],
  ): SourceState {
    // Only what changed is written: the entries share `previous`'s (see PatchedMap).
    const changes: Array<readonly [string, ParameterEntry | undefined]> = [];
    // The missing bindings are copied only when one of them changes.
    let missing: ReadonlyMap<string, MissingParameter> = previous.missing;
    const writableMissing = () => {
      if (missing === previous.missing) missing = new Map(previous.missing);
      return missing as Map<string, MissingParameter>;
    };
    const found = new Set<string>();
    for (const entry of fetched.found) {
      // Set in place, so that an updated key keeps its position.
      changes.push([entry.key, entry]);
      if (missing.has(entry.key)) writableMissing().delete(entry.key);
      found.add(entry.key);
    }
    for (const request of [...requested, ...removed]) {
      if (found.has(request.key)) continue;
      changes.push([request.key, undefined]);
      if (request.origin === "binding") writableMissing().set(request.key, toMissing(request));
    }
    const entries = PatchedMap.apply(previous.entries, changes);
    const times = new Set<number>();
    const due = dueAt.filter((date) => !times.has(date.getTime()) && times.add(date.getTime()));
    return { entries, missing, dueAt: due.length ? due : undefined };
  }

  /**
   * Lists the path without decrypting anything (`DescribeParameters`, up to 50 a page) and
   * compares versions: new or changed names are fetched, vanished ones removed.
   */
  async #checkPath(previous: SourceState, context: SourceContext): Promise<Check> {
    const path = this.#targets.path;
    if (path === undefined) return { toFetch: [], removed: [], dueAt: [] };
    const listing = await this.#calls.describe(
      [{ Key: "Path", Option: "Recursive", Values: [path] }],
      path,
      context,
    );
    const toFetch: FetchRequest[] = [];
    const dueAt: Date[] = [];
    const listedKeys = new Map<string, string>();
    let heldListed = 0;
    for (const [name, item] of listing) {
      const request = this.#targets.pathRequest(name);
      if (!request) continue;
      const other = listedKeys.get(request.key);
      if (other !== undefined) throw keyCollision(other, name, request.key);
      listedKeys.set(request.key, name);
      if (item.dueAt) dueAt.push(item.dueAt);
      // `request.key` is not bound (pathRequest), so a held entry there came from the path.
      const held = previous.entries.get(request.key);
      if (held) heldListed++;
      if (!held || !heldUnder(held, request, name) || !sameRevision(held, item)) {
        toFetch.push(request);
      }
    }
    const removed: FetchRequest[] = [];
    // Every held path key listed again (the usual refresh): nothing vanished, no walk needed.
    const heldBound = this.#targets.bindings.filter((b) => previous.entries.has(b.key)).length;
    if (heldListed === previous.entries.size - heldBound) return { toFetch, removed, dueAt };
    for (const entry of previous.entries.values()) {
      const fromPath = !this.#targets.isBound(entry.key);
      if (fromPath && !listedKeys.has(entry.key)) removed.push(heldRequest(entry));
    }
    return { toFetch, removed, dueAt };
  }

  /**
   * Checks bound parameters without reading a secret: plain names with `DescribeParameters`,
   * selectors with a non-decrypting `GetParameters`, secret references through `secretVersions`
   * when given (otherwise they are re-read).
   */
  async #checkBindings(previous: SourceState, context: SourceContext): Promise<Check> {
    const bindings = this.#targets.bindings;
    const plain = bindings.filter((b) => !b.name.secretId && !b.name.selector);
    const selected = bindings.filter((b) => !b.name.secretId && b.name.selector);
    const secrets = bindings.filter((b) => b.name.secretId);
    const [plainVersions, selectedVersions, secretVersions] = await Promise.all([
      this.#calls.describeNames(
        plain.map((b) => withLeadingSlash(b.name.base)),
        context,
      ),
      selected.length ? this.#calls.revisions(selected, context) : new Map<string, Listing>(),
      this.#secretReferenceVersions(secrets, context),
    ]);
    const toFetch: FetchRequest[] = [];
    const removed: FetchRequest[] = [];
    const dueAt: Date[] = [];
    const compare = (binding: BindingRequest, current: Listing | undefined) => {
      // A bound key holds only its binding's value (see RequestTargets.isBound).
      const held = previous.entries.get(binding.key);
      if (current?.dueAt) dueAt.push(current.dueAt);
      if (!current) {
        if (held) removed.push(binding);
      } else if (!held || !sameRevision(held, current)) {
        toFetch.push(binding);
      }
    };
    for (const binding of plain)
      compare(binding, plainVersions.get(withLeadingSlash(binding.name.base)));
    for (const binding of selected) compare(binding, selectedVersions.get(binding.key));
    for (const binding of secrets) {
      const state = secretVersions.get(binding.key);
      if (state === "unknown") toFetch.push(binding);
      else compare(binding, state);
    }
    return { toFetch, removed, dueAt };
  }

  /**
   * Current `VersionId` of each referenced secret through {@link SecretVersionLookup};
   * `"unknown"` without one, or when no version is staged `AWSCURRENT`, which makes the caller
   * re-read the reference to be sure.
   */
  async #secretReferenceVersions(
    bindings: readonly BindingRequest[],
    context: SourceContext,
  ): Promise<Map<string, Listing | "unknown" | undefined>> {
    const result = new Map<string, Listing | "unknown" | undefined>();
    const lookup = this.#secretVersions;
    if (!lookup) {
      for (const binding of bindings) result.set(binding.key, "unknown");
      return result;
    }
    await Promise.all(
      bindings.map((binding) =>
        this.#limit(async () => {
          const state = await lookup.currentVersion(
            binding.name.secretId as string,
            context.signal,
          );
          if (!state) result.set(binding.key, undefined);
          else if (!state.versionId) result.set(binding.key, "unknown");
          else result.set(binding.key, { version: state.versionId, dueAt: state.nextRotation });
        }),
      ),
    );
    return result;
  }
}

/**
 * True when `held` (at `request`'s key) came from the listed `name`. A `PathEntry` and a name
 * that is the path and the key both spell the key the same way: no name is built to compare.
 */
function heldUnder(held: ParameterEntry, request: FetchRequest, name: string): boolean {
  if (held instanceof PathEntry && request.namePrefix !== undefined) return true;
  return withLeadingSlash(held.parameter) === name;
}

/** The request that would re-read a held path entry. */
function heldRequest(entry: ParameterEntry): FetchRequest {
  return {
    key: entry.key,
    segments: entry.segments,
    name: { raw: entry.parameter, base: entry.parameter },
    origin: "path",
  };
}
