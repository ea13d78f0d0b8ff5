import { optionsError } from "../errors/config-load-error.js";
/**
 * Parameter Store names and the configuration keys they become. Pure functions, no AWS calls:
 * everything here runs before the first request, so a bad option fails fast.
 */

/** How path segments become key segments. `camel`: `max-conn`, `max_conn`, `max.conn` -> `maxConn`. */
export type KeyCase = "preserve" | "camel";

/** The prefix under which Parameter Store serves Secrets Manager secrets. */
export const SECRET_REFERENCE_PREFIX = "/aws/reference/secretsmanager/";

/** Parameter Store allows at most 15 levels in a hierarchy. */
export const MAX_PATH_LEVELS = 15;
/** The longest parameter name (ARN form included) Parameter Store accepts. */
export const MAX_NAME_LENGTH = 2048;

const NAME_CHARACTERS = /^[A-Za-z0-9_.\-/]+$/;
const SECRET_ID_CHARACTERS = /^[A-Za-z0-9_+=.@\-/:]+$/;
const VERSION_SELECTOR = /^\d+$/;
/** Labels: up to 100 of `[A-Za-z0-9_.-]`, not starting with a digit, "aws" or "ssm" (any case). */
const LABEL_SELECTOR = /^(?![0-9])(?!aws|ssm)[A-Za-z0-9_.-]{1,100}$/i;
const KEY_SEGMENT = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** Segments that would reach `Object.prototype` if used as plain property names. */
export const UNSAFE_SEGMENTS: ReadonlySet<string> = new Set([
  "__proto__",
  "constructor",
  "prototype",
]);

/** A parameter name split into its base name and its `:version` or `:label` selector. */
export interface ParsedParameterName {
  /** The name as given, e.g. `/shared/db/port:stable`. */
  readonly raw: string;
  /** The name without selector, with a leading `/` when it is hierarchical. */
  readonly base: string;
  readonly selector?: { kind: "version"; version: number } | { kind: "label"; label: string };
  /** For `/aws/reference/secretsmanager/<id>`: the secret id. */
  readonly secretId?: string;
}

/** Normalises a path option: requires a leading `/`, drops a trailing one. Throws on bad input. */
export function normalizePath(path: string): string {
  const factory = "ssmSource";
  if (typeof path !== "string" || !path.startsWith("/")) {
    throw optionsError(
      factory,
      `path ${JSON.stringify(path)} must start with "/", e.g. "/app/prod".`,
    );
  }
  if (path.length > MAX_NAME_LENGTH) {
    throw optionsError(
      factory,
      `path is ${path.length} characters long; Parameter Store allows ${MAX_NAME_LENGTH}.`,
    );
  }
  if (!NAME_CHARACTERS.test(path) || path.includes("//")) {
    throw optionsError(
      factory,
      `path ${JSON.stringify(path)} may contain only letters, digits, "_", ".", "-" and single "/" separators.`,
    );
  }
  const trimmed = path.length > 1 ? path.replace(/\/+$/, "") : path;
  const levels = trimmed === "/" ? 0 : trimmed.split("/").length - 1;
  if (levels > MAX_PATH_LEVELS) {
    throw optionsError(
      factory,
      `path ${JSON.stringify(path)} has ${levels} levels; Parameter Store allows ${MAX_PATH_LEVELS}.`,
    );
  }
  return trimmed;
}

/** Parses and checks a bound parameter name. Throws a `ConfigLoadError` that says what to fix. */
export function parseParameterName(raw: string, key: string): ParsedParameterName {
  const factory = "ssmSource";
  const where = `parameter ${JSON.stringify(raw)} (key "${key}")`;
  if (typeof raw !== "string" || raw.length === 0) {
    throw optionsError(factory, `key "${key}" must be bound to a parameter name string.`);
  }
  if (raw.length > MAX_NAME_LENGTH) {
    throw optionsError(
      factory,
      `the parameter bound to key "${key}" is ${raw.length} characters long; Parameter Store allows ${MAX_NAME_LENGTH}.`,
    );
  }
  if (raw.startsWith(SECRET_REFERENCE_PREFIX)) {
    const secretId = raw.slice(SECRET_REFERENCE_PREFIX.length);
    if (!secretId || !SECRET_ID_CHARACTERS.test(secretId)) {
      throw optionsError(factory, `${where} must name a secret after ${SECRET_REFERENCE_PREFIX}.`);
    }
    return { raw, base: raw, secretId };
  }
  const colon = raw.indexOf(":");
  const base = colon === -1 ? raw : raw.slice(0, colon);
  const selectorText = colon === -1 ? undefined : raw.slice(colon + 1);
  if (!base || !NAME_CHARACTERS.test(base) || base.includes("//")) {
    throw optionsError(
      factory,
      `${where} may contain only letters, digits, "_", ".", "-" and "/", optionally followed by ":version" or ":label".`,
    );
  }
  // Parameter Store rejects these names; saying so here beats a ValidationException at load time.
  if (base.includes("/") && (!base.startsWith("/") || base.endsWith("/"))) {
    throw optionsError(
      factory,
      `${where} must start with "/" and not end with one when it names a hierarchy, e.g. "/shared/db/port".`,
    );
  }
  const levels = base.split("/").filter(Boolean).length;
  if (levels > MAX_PATH_LEVELS) {
    throw optionsError(
      factory,
      `${where} has ${levels} levels; Parameter Store allows ${MAX_PATH_LEVELS}.`,
    );
  }
  if (selectorText === undefined) return { raw, base };
  if (VERSION_SELECTOR.test(selectorText)) {
    const version = Number(selectorText);
    if (version < 1 || !Number.isSafeInteger(version)) {
      throw optionsError(
        factory,
        `${where} has an invalid version selector; versions are whole numbers from 1.`,
      );
    }
    return { raw, base, selector: { kind: "version", version } };
  }
  if (!LABEL_SELECTOR.test(selectorText)) {
    throw optionsError(
      factory,
      `${where} has an invalid selector; use ":<version>" or ":<label>" (a label has up to 100 letters, digits, "_", "." or "-", and does not start with a digit, "aws" or "ssm").`,
    );
  }
  return { raw, base, selector: { kind: "label", label: selectorText } };
}

/**
 * True when `key` is a dotted identifier such as `db.port`: segments that start with a letter,
 * `_` or `$`, none of them `__proto__`, `constructor` or `prototype`.
 */
export function isBindingKey(key: unknown): key is string {
  if (typeof key !== "string") return false;
  return key
    .split(".")
    .every((segment) => KEY_SEGMENT.test(segment) && !UNSAFE_SEGMENTS.has(segment));
}

/** Splits and checks a binding key such as `db.port`. Throws a `ConfigLoadError` on bad input. */
export function parseBindingKey(key: string): string[] {
  if (!isBindingKey(key)) {
    throw optionsError(
      "ssmSource",
      `parameters key ${JSON.stringify(key)} is not a dotted identifier such as "db.port" (segments start with a letter, "_" or "$"; "__proto__", "constructor" and "prototype" are not allowed).`,
    );
  }
  return key.split(".");
}

/** Applies a key case to one path segment. */
export function transformSegment(segment: string, keyCase: KeyCase): string {
  if (keyCase === "preserve") return segment;
  const parts = segment.split(/[-_.]+/).filter(Boolean);
  if (parts.length === 0) return segment;
  return parts
    .map((part, index) => (index === 0 ? part : part.charAt(0).toUpperCase() + part.slice(1)))
    .join("");
}

/**
 * The key segments of a parameter found under `path`, or `undefined` when the name is not under
 * it. `/app/prod/db/host` under `/app/prod` -> `["db", "host"]`.
 */
export function segmentsForName(
  path: string,
  name: string,
  keyCase: KeyCase,
): string[] | undefined {
  const full = name.startsWith("/") ? name : `/${name}`;
  const prefix = path === "/" ? "/" : `${path}/`;
  if (!full.startsWith(prefix)) return undefined;
  const rest = full.slice(prefix.length).split("/").filter(Boolean);
  if (rest.length === 0) return undefined;
  return rest.map((segment) => transformSegment(segment, keyCase));
}

/** Joins key segments into the dotted key used in issues, `versions()` and changes. */
export function keyOf(segments: readonly string[]): string {
  return segments.join(".");
}

/** `name` with a leading `/` when it is hierarchical or a root name reported without one. */
export function withLeadingSlash(name: string): string {
  return name.startsWith("/") ? name : `/${name}`;
}
