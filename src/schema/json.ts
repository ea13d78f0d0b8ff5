import { z } from "zod";

/**
 * A schema for a parameter that holds JSON: the string is parsed, then validated with `schema`.
 * A value that is already structured (e.g. from `fileSource`) is validated as it is. Invalid JSON
 * is reported without echoing the text, which may be a secret.
 *
 * Works with zod 4 and zod 3.24 or later: it calls only what both share (`z.preprocess`,
 * `addIssue`, `z.NEVER`), and the declared return type names only `z.ZodType` and `z.output`,
 * which both versions export with the output type as their first parameter.
 *
 * @example
 * import { z } from "zod";
 * import { json } from "ssm-config/zod";
 *
 * const Config = z.object({ stripe: json(z.object({ apiKey: z.string() })) });
 */
export function json<T extends z.ZodType>(schema: T): z.ZodType<z.output<T>> {
  return z.preprocess((value, context) => {
    if (typeof value !== "string") return value;
    try {
      return JSON.parse(value) as unknown;
    } catch {
      // `fatal` stops zod 3 from also running `schema` on z.NEVER; zod 4 stops at the first
      // failing step of a pipe anyway. No `input`: the text may be a secret.
      context.addIssue({
        code: "custom",
        message: "Invalid JSON: the value is not a valid JSON document",
        fatal: true,
      });
      return z.NEVER;
    }
  }, schema);
}
