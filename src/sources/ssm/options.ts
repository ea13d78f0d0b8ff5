import type { SSMClient } from "@aws-sdk/client-ssm";
import { optionsError } from "../../errors/config-load-error.js";
import { checkIntegerOption } from "../../errors/option-checks.js";
import {
  type KeyCase,
  normalizePath,
  parseBindingKey,
  parseParameterName,
} from "../../mapping/parameter-names.js";
import type { AwsClientLike } from "../aws/client-defaults.js";
import type { SecretVersionLookup } from "./secret-versions.js";
import type { BindingRequest } from "./targets.js";

/** The client surface `ssmSource` needs; any `SSMClient` satisfies it. */
export type SsmClientLike = AwsClientLike;

/** Options of {@link ssmSource}. */
export interface SsmSourceOptions {
  /**
   * The client to use; its timeouts and retries bound every call.
   * @default `new SSMClient(...)` with region and credentials from the environment and the
   * library's default timeouts (5 s to connect, 15 s per request)
   */
  client?: SSMClient | SsmClientLike;
  /** A hierarchy to read recursively; its names become nested keys. */
  path?: string;
  /** Dotted key -> parameter name; `name:3`, `name:label` and Secrets Manager references allowed. */
  parameters?: Record<string, string>;
  /** How path segments become keys. @default "preserve" */
  keyCase?: KeyCase;
  /**
   * Cheap change checks of Secrets Manager references: `describeSecretVersions(client)` from
   * `ssm-config/secrets-manager`. Without it, each refresh re-reads the references.
   */
  secretVersions?: SecretVersionLookup;
  /** How many requests may be in flight at once, 1 to {@link MAX_CONCURRENCY}. @default 10 */
  maxConcurrency?: number;
}

/**
 * The most requests `ssmSource` keeps in flight. Parameter Store's default throughput is 40
 * requests a second per account and region; far more concurrent requests than that only meet
 * throttling, so a larger number is a mistake worth reporting.
 */
export const MAX_CONCURRENCY = 100;

/** The default concurrency: one round of `GetParameters` for 100 bound names. */
const DEFAULT_CONCURRENCY = 10;

const KNOWN_OPTIONS: ReadonlySet<string> = new Set([
  "client",
  "path",
  "parameters",
  "keyCase",
  "secretVersions",
  "maxConcurrency",
]);

/** {@link SsmSourceOptions} checked and normalised. */
export interface SsmSettings {
  readonly client: SsmClientLike | undefined;
  readonly path: string | undefined;
  readonly keyCase: KeyCase;
  readonly bindings: readonly BindingRequest[];
  readonly secretVersions: SecretVersionLookup | undefined;
  readonly maxConcurrency: number;
}

const fail = (message: string) => optionsError("ssmSource", message);

/**
 * Checks every option of `ssmSource` before any call, throwing a `ConfigLoadError` with
 * `reason: "options"` whose message starts with `ssmSource:` and says what to fix.
 */
export function parseSsmOptions(options: unknown): SsmSettings {
  if (options === undefined) options = {};
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw fail("options must be an object with a path and/or parameters.");
  }
  const given = options as Record<string, unknown>;
  for (const name of Object.keys(given)) {
    if (KNOWN_OPTIONS.has(name)) continue;
    throw fail(`unknown option ${JSON.stringify(name)}; known: ${[...KNOWN_OPTIONS].join(", ")}.`);
  }

  const { client, path, parameters, keyCase = "preserve", secretVersions } = given;
  if (client !== undefined && typeof (client as { send?: unknown } | null)?.send !== "function") {
    throw fail("client must be an AWS SDK v3 SSMClient (an object with a send method).");
  }
  if (keyCase !== "preserve" && keyCase !== "camel") {
    throw fail(`keyCase must be "preserve" or "camel", not ${JSON.stringify(keyCase)}.`);
  }
  if (path !== undefined && typeof path !== "string") {
    throw fail(`path must be a string such as "/app/prod", not ${typeof path}.`);
  }
  if (
    parameters !== undefined &&
    (typeof parameters !== "object" || parameters === null || Array.isArray(parameters))
  ) {
    throw fail("parameters must be an object of dotted key -> parameter name.");
  }
  const bindings = Object.entries((parameters ?? {}) as Record<string, unknown>).map(
    ([key, name]): BindingRequest => {
      // Refuses a bad key. A binding key's segments are its dot-split parts: none is held.
      parseBindingKey(key);
      // parseParameterName also refuses a value that is not a string.
      return { key, name: parseParameterName(name as string, key), origin: "binding" };
    },
  );
  const normalizedPath = path === undefined ? undefined : normalizePath(path);
  if (normalizedPath === undefined && bindings.length === 0) {
    throw fail("give a path, parameters, or both; there is nothing to read.");
  }
  if (
    secretVersions !== undefined &&
    typeof (secretVersions as { currentVersion?: unknown } | null)?.currentVersion !== "function"
  ) {
    throw fail(
      'secretVersions must come from describeSecretVersions(client) in "ssm-config/secrets-manager" (an object with a currentVersion method).',
    );
  }
  const maxConcurrency = checkIntegerOption(
    "ssmSource",
    "maxConcurrency",
    given.maxConcurrency ?? DEFAULT_CONCURRENCY,
    { min: 1, max: MAX_CONCURRENCY },
  );
  return {
    client: client as SsmClientLike | undefined,
    path: normalizedPath,
    keyCase,
    bindings,
    secretVersions: secretVersions as SecretVersionLookup | undefined,
    maxConcurrency,
  };
}
