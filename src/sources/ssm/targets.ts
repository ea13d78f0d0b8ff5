import {
  type KeyCase,
  keyOf,
  type ParsedParameterName,
  segmentsForName,
  withLeadingSlash,
} from "../../mapping/parameter-names.js";
import { sameSecret } from "../aws/secret-ids.js";
import {
  type ChangeNotice,
  type MissingParameter,
  type SourceState,
  segmentsIfNeeded,
} from "../contract.js";

/** A name to read, and the key its value goes to. */
export interface FetchRequest {
  readonly key: string;
  /** The key's segments; left out when they are `key.split(".")` (see `keySegments`). */
  readonly segments?: readonly string[] | undefined;
  readonly name: ParsedParameterName;
  /**
   * Set when the name is this prefix and the key with each `.` read as `/` (a path name in
   * key case "preserve"): its entry need not hold the name (see `toEntry`).
   */
  readonly namePrefix?: string | undefined;
  /** `path`: found under the source's path (never a bound key); `binding`: named in `parameters`. */
  readonly origin: "path" | "binding";
}

/** A request for a `parameters` binding. */
export type BindingRequest = FetchRequest & { readonly origin: "binding" };

/**
 * Which names a source reads and which key each one fills: the path with its key case, and the
 * bindings, whose keys win over path-derived ones. Answers "what does this name or notice
 * concern" without any call.
 */
export class RequestTargets {
  readonly path: string | undefined;
  readonly keyCase: KeyCase;
  /** One request per binding, built once and shared by every load and refresh. */
  readonly bindings: readonly BindingRequest[];
  readonly #boundKeys: ReadonlySet<string>;
  /** What every name under the path starts with: the path and a `/`. */
  readonly #prefix: string | undefined;

  constructor(path: string | undefined, keyCase: KeyCase, bindings: readonly BindingRequest[]) {
    this.path = path;
    this.keyCase = keyCase;
    this.bindings = bindings;
    this.#boundKeys = new Set(bindings.map((binding) => binding.key));
    this.#prefix = path === undefined ? undefined : path === "/" ? "/" : `${path}/`;
  }

  /**
   * True when `parameters` binds `key` (a binding wins over a name under the path). A bound key
   * is filled only by its binding and any other key only from the path, so the key also tells
   * where a held entry came from: entries need not carry it.
   */
  isBound(key: string): boolean {
    return this.#boundKeys.has(key);
  }

  /**
   * The request for a name found under the path, or `undefined` (not under it, or bound). Its
   * segments are not held (an entry keeps them only when one holds a dot), so they are not
   * shared between requests either.
   */
  pathRequest(name: string): FetchRequest | undefined {
    if (this.path === undefined) return undefined;
    const full = withLeadingSlash(name);
    const simple = this.#simpleKey(full);
    if (simple !== undefined) {
      if (this.#boundKeys.has(simple)) return undefined;
      const name = { raw: full, base: full };
      return { key: simple, segments: undefined, name, namePrefix: this.#prefix, origin: "path" };
    }
    const segments = segmentsForName(this.path, full, this.keyCase);
    if (!segments) return undefined;
    const key = keyOf(segments);
    if (this.#boundKeys.has(key)) return undefined;
    return { key, segments, name: { raw: full, base: full }, origin: "path" };
  }

  /**
   * The key of a name under the path when it is simply the rest of the name with `/` read as
   * `.` (key case "preserve", no dot, no empty segment): the common case, found without
   * splitting the name (a load maps every name: this is most of its own work). `undefined`
   * otherwise, and for a name not under the path; `segmentsForName` decides those.
   */
  #simpleKey(full: string): string | undefined {
    const prefix = this.#prefix;
    if (this.keyCase !== "preserve" || prefix === undefined || !full.startsWith(prefix)) {
      return undefined;
    }
    const rest = full.slice(prefix.length);
    if (
      rest.length === 0 ||
      rest.startsWith("/") ||
      rest.endsWith("/") ||
      rest.includes("//") ||
      rest.includes(".")
    ) {
      return undefined;
    }
    return rest.replaceAll("/", ".");
  }

  /** Everything a parameter name fills: bindings of that name, and its key under the path. */
  targetsOf(eventName: string): FetchRequest[] {
    const name = withLeadingSlash(eventName);
    const targets: FetchRequest[] = this.bindings.filter(
      (binding) => !binding.name.secretId && withLeadingSlash(binding.name.base) === name,
    );
    const underPath = this.pathRequest(name);
    if (underPath) targets.push(underPath);
    return targets;
  }

  /** Bindings that reference one of a secret's ids. */
  secretTargets(ids: readonly string[]): BindingRequest[] {
    return this.bindings.filter((binding) => {
      const secretId = binding.name.secretId;
      return secretId !== undefined && ids.some((id) => sameSecret(id, secretId));
    });
  }

  /**
   * ssmSource's share of a notice, or `undefined` when the notice names nothing it reads: the
   * requests a change asks to re-read, or those a removal may remove. A removal concerns only
   * keys whose held entry came from exactly that parameter name (see {@link heldFrom}).
   */
  shareOf(notice: ChangeNotice, previous: SourceState): NoticeShare | undefined {
    switch (notice.kind) {
      case "secret-changed":
        return nonEmpty(this.secretTargets(notice.ids));
      case "parameter-changed":
        return nonEmpty(this.targetsOf(notice.name));
      case "policy-notice":
        // An advance notice re-reads nothing; the loader only needs to know it is ours.
        return this.targetsOf(notice.name).length > 0 ? { reads: [] } : undefined;
      case "parameter-removed": {
        const name = withLeadingSlash(notice.name);
        const targets = this.targetsOf(name);
        if (!targets.some((target) => heldFrom(previous, target, name))) return undefined;
        return { reads: [], removal: { name, targets, time: notice.time } };
      }
    }
  }
}

/**
 * What one notice asks of ssmSource, worked out once when the notice arrives: requests to
 * re-read, or (a removal) the requests whose held entries it may remove.
 */
export interface NoticeShare {
  readonly reads: readonly FetchRequest[];
  readonly removal?: {
    /** The removed parameter's name, with a leading `/`. */
    readonly name: string;
    readonly targets: readonly FetchRequest[];
    /** When AWS says it happened (epoch ms). */
    readonly time: number | undefined;
  };
}

function nonEmpty(reads: readonly FetchRequest[]): NoticeShare | undefined {
  return reads.length > 0 ? { reads } : undefined;
}

/**
 * True when `previous` holds `target`'s key from exactly the parameter `name` (a binding of that
 * name, or that very name under the path). The key alone is not enough: with `keyCase: "camel"`
 * `max_conn` maps to the key of a held `max-conn`, and `/app//db/port` to that of `/app/db/port`.
 */
export function heldFrom(previous: SourceState, target: FetchRequest, name: string): boolean {
  // The target's key says whether the held entry is a binding's or the path's (see isBound).
  const held = previous.entries.get(target.key);
  if (!held) return false;
  return target.origin === "binding" || held.parameter === name;
}

/** A binding whose parameter does not exist, as the source state records it. */
export function toMissing(request: FetchRequest): MissingParameter {
  const missing: MissingParameter = { key: request.key, parameter: request.name.raw };
  const segments = request.segments && segmentsIfNeeded(request.key, request.segments);
  return segments === undefined ? missing : { ...missing, segments };
}
