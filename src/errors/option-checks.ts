import { optionsError } from "./config-load-error.js";

/**
 * True for a finite number in [min, max]; false for NaN, infinities and non-numbers, so that
 * every factory rejects `NaN` the same way.
 */
export function isBetween(value: unknown, min: number, max: number): value is number {
  return typeof value === "number" && Number.isFinite(value) && value >= min && value <= max;
}

/** The range a number option must fall in, and how its message describes it. */
export interface OptionRange {
  readonly min: number;
  readonly max: number;
  /** What a valid value is; defaults to "a number of milliseconds" (or "a whole number"). */
  readonly what?: string;
  /** The minimum as the message names it, when it comes from another option: `backoffBaseMs (1000)`. */
  readonly minText?: string;
  /** The maximum as the message names it: `900000 (15 minutes)`. */
  readonly maxText?: string;
}

/**
 * Returns `value` when it is a finite number in the range; otherwise throws
 * `optionsError(factory, "<name> must be <what> from <min> to <max>, not <value>.")`.
 *
 * @example
 * const debounceMs = checkNumberOption("fileSource", "debounceMs", options.debounceMs ?? 100, {
 *   min: 0,
 *   max: 60_000,
 * });
 */
export function checkNumberOption(
  factory: string,
  name: string,
  value: unknown,
  range: OptionRange,
): number {
  if (isBetween(value, range.min, range.max)) return value;
  throw rangeError(factory, name, value, range, "a number of milliseconds");
}

/** As {@link checkNumberOption}, for a whole number ("a whole number from 1 to 50"). */
export function checkIntegerOption(
  factory: string,
  name: string,
  value: unknown,
  range: OptionRange,
): number {
  if (Number.isInteger(value) && isBetween(value, range.min, range.max)) return value;
  throw rangeError(factory, name, value, range, "a whole number");
}

function rangeError(
  factory: string,
  name: string,
  value: unknown,
  range: OptionRange,
  what: string,
): Error {
  const min = range.minText ?? String(range.min);
  const max = range.maxText ?? String(range.max);
  return optionsError(
    factory,
    `${name} must be ${range.what ?? what} from ${min} to ${max}, not ${String(value)}.`,
  );
}

/** True for an object literal (or `Object.create(null)`): what an options object must be. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
