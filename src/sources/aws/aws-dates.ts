/**
 * Dates as AWS gives them: a `Date` from the SDK, an ISO string in JSON (policies, events), or
 * epoch seconds or milliseconds (`NextRotationDate` in a `SourceResult`).
 */

/** A date from an ISO string, epoch seconds or milliseconds, or a Date; `undefined` otherwise. */
export function toDate(value: unknown): Date | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value;
  if (typeof value === "number") return new Date(value < 1e12 ? value * 1000 : value);
  if (typeof value === "string" && value) {
    const numeric = Number(value);
    const date = Number.isFinite(numeric)
      ? new Date(numeric < 1e12 ? numeric * 1000 : numeric)
      : new Date(value);
    return Number.isNaN(date.getTime()) ? undefined : date;
  }
  return undefined;
}
