import { z } from "zod";

/**
 * A schema for a parameter that holds JSON: the string is parsed, then validated with `schema`.
 * A value that is already structured (e.g. from `fileSource`) is validated as it is. Invalid JSON
 * is reported without echoing the text, which may be a secret.
 *
 * @example
 * const Config = z.object({ stripe: json(z.object({ apiKey: z.string() })) });
 */
export function json<T extends z.ZodType>(schema: T) {
  return z.preprocess((value, context) => {
    if (typeof value !== "string") return value;
    try {
      return JSON.parse(value) as unknown;
    } catch {
      context.issues.push({
        code: "custom",
        message: "Invalid JSON: the value is not a valid JSON document",
        input: undefined,
      });
      return z.NEVER;
    }
  }, schema);
}
