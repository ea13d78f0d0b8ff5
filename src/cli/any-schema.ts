import type { StandardSchemaV1 } from "../schema/standard-schema.js";

/**
 * A Standard Schema that accepts whatever the loader builds, for commands that need the
 * loader's tree or change detection but no validation (`export --format json`, `watch`).
 */
export const anyConfig: StandardSchemaV1<unknown, Record<string, unknown>> = {
  "~standard": {
    version: 1,
    vendor: "ssm-config-cli",
    validate: (value) => ({ value: value as Record<string, unknown> }),
  },
};
