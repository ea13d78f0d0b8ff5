/**
 * `ssm-config/zod`: helpers for zod schemas. Needs `zod` (4, or 3.24 and later) installed; the
 * root entry works without it, with any Standard Schema validator.
 *
 * @packageDocumentation
 */

export { json } from "./schema/json.js";
