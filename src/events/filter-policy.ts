import { withLeadingSlash } from "../mapping/parameter-names.js";
import { secretIdForms } from "../sources/aws/secret-ids.js";
import type { SourceWatches } from "../sources/contract.js";

/**
 * SNS's limits on one filter policy: 150 value combinations, where a value under a nested key
 * (`detail.name`) counts once per level, and 256 KB of JSON.
 */
const MAX_COMBINATIONS = 150;
const NESTING_DEPTH = 2;
const MAX_VALUES = Math.floor(MAX_COMBINATIONS / NESTING_DEPTH);
const MAX_POLICY_BYTES = 256 * 1024;

/** A filter policy on the message body, and how precise it could be made. */
export interface BodyFilterPolicy {
  /** The policy's JSON, or `undefined` for no filter (every event reaches the queue). */
  readonly policy: string | undefined;
  /**
   * `exact`: every name and secret listed; `prefixes`: names collapsed to common prefixes to fit
   * SNS's limits; `everything`: the config reads the root path, so there is nothing to filter;
   * `none`: even prefixes did not fit, so there is no filter.
   */
  readonly precision: "exact" | "prefixes" | "everything" | "none";
}

type Rule = { readonly prefix: string } | string;

/**
 * Builds the SNS filter policy (scope `MessageBody`) that lets through only the events a config
 * can use: Parameter Store Change events whose `detail.name` lies under a watched path, is a
 * bound name, or names a watched secret ("Secret Label Updated"). Events without `detail.name`
 * (Policy Action, Secrets Manager CloudTrail events) pass: the layout
 * `{"detail":{"name":[{"exists":false}, ...]}}` is the one that is valid on AWS and that moto
 * accepts (moto refuses `$or` in body policies), and the loader drops those it does not use
 * without a call. Beyond SNS's limits, names collapse to common `/` prefixes, then to no filter.
 */
export function buildFilterPolicy(watches: SourceWatches): BodyFilterPolicy {
  if (watches.paths.includes("/")) return { policy: undefined, precision: "everything" };
  const prefixes = new Set(watches.paths.map((path) => `${path}/`));
  const exact = new Set<string>();
  for (const name of watches.names) {
    const withSlash = withLeadingSlash(name);
    exact.add(withSlash);
    // Events may give a root name without its leading "/".
    if (withSlash.lastIndexOf("/") === 0) exact.add(withSlash.slice(1));
  }
  for (const secret of watches.secrets) for (const form of secretIdForms(secret)) exact.add(form);

  let rules = simplify(prefixes, exact);
  let precision: BodyFilterPolicy["precision"] = "exact";
  const maxLevel = Math.max(0, ...[...exact].map(slashLevels));
  for (let level = maxLevel; !fits(rules) && level >= 1; level--) {
    precision = "prefixes";
    const collapsed = new Set(prefixes);
    const kept = new Set<string>();
    for (const value of exact) {
      const prefix = prefixAtLevel(value, level);
      if (prefix === undefined) kept.add(value);
      else collapsed.add(prefix);
    }
    rules = simplify(collapsed, kept);
  }
  if (!fits(rules)) return { policy: undefined, precision: "none" };
  return { policy: render(rules), precision };
}

/** Drops exact names and prefixes that a shorter prefix already covers; prefixes first. */
function simplify(prefixes: ReadonlySet<string>, exact: ReadonlySet<string>): Rule[] {
  const sorted = [...prefixes].sort((a, b) => a.length - b.length);
  const kept: string[] = [];
  for (const prefix of sorted) if (!kept.some((k) => prefix.startsWith(k))) kept.push(prefix);
  const names = [...exact].filter((name) => !kept.some((prefix) => name.startsWith(prefix)));
  return [...kept.map((prefix) => ({ prefix })), ...names.sort()];
}

function render(rules: readonly Rule[]): string {
  return JSON.stringify({ detail: { name: [{ exists: false }, ...rules] } });
}

function fits(rules: readonly Rule[]): boolean {
  return (
    rules.length + 1 <= MAX_VALUES && Buffer.byteLength(render(rules), "utf8") <= MAX_POLICY_BYTES
  );
}

/** How many `/` separators a value has after its first character. */
function slashLevels(value: string): number {
  let count = 0;
  for (let index = 1; index < value.length; index++) if (value[index] === "/") count++;
  return count;
}

/** The value up to and including its `level`-th separator (not counting a leading `/`). */
function prefixAtLevel(value: string, level: number): string | undefined {
  let seen = 0;
  for (let index = 1; index < value.length; index++) {
    if (value[index] !== "/") continue;
    seen++;
    if (seen === level) return value.slice(0, index + 1);
  }
  return undefined;
}
