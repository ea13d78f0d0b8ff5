import { type ConfigIssue, ConfigValidationError } from "../errors/config-validation-error.js";
import type { SecretScrubber } from "../sensitive.js";
import type { MissingParameter, ParameterEntry } from "../sources/contract.js";
import type { StandardSchemaV1 } from "./standard-schema.js";

/** What validation needs to tie an issue back to its key and parameter. */
export interface ValidationContext {
  readonly entries: ReadonlyMap<string, ParameterEntry>;
  readonly missing: ReadonlyMap<string, MissingParameter>;
  readonly scrubber: SecretScrubber;
}

/**
 * Validates a tree with any Standard Schema. Resolves with the schema's output, or rejects with
 * one `ConfigValidationError` listing every issue, each tied to its key and parameter, with
 * every sensitive value scrubbed from the messages.
 */
export async function validateTree<Output>(
  schema: StandardSchemaV1<unknown, Output>,
  tree: unknown,
  context: ValidationContext,
): Promise<Output> {
  let result: StandardSchemaV1.Result<Output>;
  try {
    result = await schema["~standard"].validate(tree);
  } catch (error) {
    // A refine or transform that throws: report it as an issue, never as a crash of the loader.
    const message = error instanceof Error ? error.message : String(error);
    throw new ConfigValidationError([
      { key: "", message: context.scrubber.scrub(`The schema threw: ${message}`) },
    ]);
  }
  if (!result.issues) return result.value;
  throw new ConfigValidationError(result.issues.map((issue) => toConfigIssue(issue, context)));
}

function pathOf(issue: StandardSchemaV1.Issue): string[] {
  return (issue.path ?? []).map((segment) =>
    String(typeof segment === "object" && segment !== null ? segment.key : segment),
  );
}

/** Finds the entry (or missing binding) whose key is the longest prefix of the issue's path. */
function ownerOf(
  path: readonly string[],
  context: ValidationContext,
): { key: string; parameter?: string; rest: string[]; missing: boolean } | undefined {
  for (let length = path.length; length > 0; length--) {
    const key = path.slice(0, length).join(".");
    const entry = context.entries.get(key);
    if (entry && entry.segments.length === length) {
      return { key, parameter: entry.parameter, rest: path.slice(length), missing: false };
    }
    const missing = context.missing.get(key);
    if (missing && missing.segments.length === length) {
      return { key, parameter: missing.parameter, rest: path.slice(length), missing: true };
    }
  }
  return undefined;
}

function toConfigIssue(issue: StandardSchemaV1.Issue, context: ValidationContext): ConfigIssue {
  const path = pathOf(issue);
  const owner = ownerOf(path, context);
  let message = context.scrubber.scrub(issue.message);
  if (!owner) return { key: path.join("."), message };
  if (owner.rest.length > 0) message = `at ${owner.rest.join(".")}: ${message}`;
  if (owner.missing) {
    message = `parameter "${owner.parameter}" was not found (${message}); create it or change the binding.`;
  }
  const result: ConfigIssue = { key: owner.key, message };
  if (owner.parameter !== undefined) result.parameter = owner.parameter;
  return result;
}
