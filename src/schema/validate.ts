import { type ConfigIssue, ConfigValidationError } from "../errors/config-validation-error.js";
import { REDACTED, type SecretScrubber } from "../sensitive.js";
import { keySegments, type MissingParameter, type ParameterEntry } from "../sources/contract.js";
import type { StandardSchemaV1 } from "./standard-schema.js";

/** What validation needs to tie an issue back to its key and parameter. */
export interface ValidationContext {
  readonly entries: ReadonlyMap<string, ParameterEntry>;
  readonly missing: ReadonlyMap<string, MissingParameter>;
  /**
   * What removes secrets from issue messages; a function is called only when there is an issue
   * to report, so that a tree that passes never pays for learning every secret.
   */
  readonly scrubber: SecretScrubber | (() => SecretScrubber);
}

/** The context with its scrubber worked out (once). */
interface ResolvedContext extends ValidationContext {
  readonly scrubber: SecretScrubber;
}

function resolved(context: ValidationContext): ResolvedContext {
  const { scrubber } = context;
  return typeof scrubber === "function"
    ? { ...context, scrubber: scrubber() }
    : (context as ResolvedContext);
}

/**
 * Validates a tree with any Standard Schema. Resolves with the schema's output, or rejects with
 * one `ConfigValidationError` listing every issue, each tied to its key and parameter, with
 * every sensitive value scrubbed from the messages. A schema that throws, or that answers with
 * something other than a well-formed result (an issue without a message, a path that is not an
 * array), still yields a `ConfigValidationError`, never a crash of the loader.
 */
export async function validateTree<Output>(
  schema: StandardSchemaV1<unknown, Output>,
  tree: unknown,
  context: ValidationContext,
): Promise<Output> {
  let result: unknown;
  try {
    result = await schema["~standard"].validate(tree);
  } catch (error) {
    // A refine or transform that throws: report it as an issue, never as a crash of the loader.
    throw new ConfigValidationError([
      {
        key: "",
        message: resolved(context).scrubber.scrub(`The schema threw: ${describe(error)}`),
      },
    ]);
  }
  let issues: unknown;
  try {
    if (typeof result !== "object" || result === null) throw new TypeError("no result object");
    issues = (result as { issues?: unknown }).issues;
    if (issues === undefined || issues === null) return (result as { value: Output }).value;
  } catch {
    throw new ConfigValidationError([{ key: "", message: UNREADABLE_RESULT }]);
  }
  const list = readIssues(issues);
  const withScrubber = resolved(context);
  throw new ConfigValidationError(
    list.length > 0
      ? list.map((issue) => toConfigIssue(issue, withScrubber))
      : [{ key: "", message: UNREADABLE_RESULT }],
  );
}

const UNREADABLE_RESULT =
  "The schema reported a failure in a form this library cannot read (a Standard Schema result needs `value` or an `issues` array); check the schema's vendor and version.";
const NO_MESSAGE = "The schema reported an issue without a message.";

/** An issue as it was read, defensively, from whatever the schema returned. */
interface ReadIssue {
  readonly message: string;
  readonly path: string[];
}

/** Reads a schema's issues without trusting their shape: getters may throw, fields may be missing. */
function readIssues(issues: unknown): ReadIssue[] {
  let items: unknown[];
  try {
    items = Array.isArray(issues) ? [...(issues as unknown[])] : [];
  } catch {
    return [];
  }
  return items.map((issue) => {
    try {
      const { message, path } = issue as { message?: unknown; path?: unknown };
      return {
        message: typeof message === "string" ? message : NO_MESSAGE,
        path: Array.isArray(path) ? path.map(segmentText) : [],
      };
    } catch {
      return { message: NO_MESSAGE, path: [] };
    }
  });
}

/** A path segment as text: a property key, or a `{ key }` segment (a symbol prints as `Symbol(…)`). */
function segmentText(segment: unknown): string {
  const key =
    typeof segment === "object" && segment !== null ? (segment as { key?: unknown }).key : segment;
  if (typeof key === "string") return key;
  if (typeof key === "number" || typeof key === "symbol" || typeof key === "bigint") {
    return String(key);
  }
  return "?";
}

/** An error's text without trusting it: `String()` of some objects throws. */
function describe(error: unknown): string {
  try {
    if (error instanceof Error) return typeof error.message === "string" ? error.message : "";
    return String(error);
  } catch {
    return "(a value that cannot be printed)";
  }
}

/** Finds the entry (or missing binding) whose key is the longest prefix of the issue's path. */
function ownerOf(
  path: readonly string[],
  context: ResolvedContext,
): { key: string; parameter?: string; rest: string[]; missing: boolean } | undefined {
  for (let length = path.length; length > 0; length--) {
    const key = path.slice(0, length).join(".");
    const entry = context.entries.get(key);
    if (entry && keySegments(entry).length === length) {
      return { key, parameter: entry.parameter, rest: path.slice(length), missing: false };
    }
    const missing = context.missing.get(key);
    if (missing && keySegments(missing).length === length) {
      return { key, parameter: missing.parameter, rest: path.slice(length), missing: true };
    }
  }
  return undefined;
}

function toConfigIssue(issue: ReadIssue, context: ResolvedContext): ConfigIssue {
  const { path } = issue;
  const { scrubber } = context;
  const owner = ownerOf(path, context);
  let message = scrubber.scrub(issue.message);
  if (!owner) return { key: scrubber.scrub(path.join(".")), message };
  if (owner.rest.length > 0) {
    // Inside a secret, a key the secret holds is part of its value (a record's keys may be
    // tokens): it prints as [REDACTED]. Keys the schema asks for and the secret lacks still show.
    const inSecret = context.entries.get(owner.key)?.sensitive === true;
    const rest = owner.rest.map((segment) =>
      inSecret && scrubber.isSecretKey(segment) && !/^\d+$/.test(segment)
        ? REDACTED
        : scrubber.scrub(segment),
    );
    message = `at ${rest.join(".")}: ${message}`;
  }
  if (owner.missing) {
    message = `parameter "${owner.parameter}" was not found (${message}); create it or change the binding.`;
  }
  const result: ConfigIssue = { key: owner.key, message };
  if (owner.parameter !== undefined) result.parameter = owner.parameter;
  return result;
}
