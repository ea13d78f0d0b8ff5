import pLimit from "p-limit";
import { optionsError } from "../../errors/config-load-error.js";
import { checkIntegerOption, isPlainObject } from "../../errors/option-checks.js";
import { isBindingKey } from "../../mapping/parameter-names.js";
import { SensitiveString } from "../../sensitive.js";
import { toDate } from "../aws/aws-dates.js";
import { awsErrorName, toLoadError } from "../aws/aws-errors.js";
import { chunk } from "../aws/batches.js";
import { type AwsClientLike, DEFAULT_REQUEST_HANDLER } from "../aws/client-defaults.js";
import { sameSecret } from "../aws/secret-ids.js";
import { describeSecretVersion } from "../aws/secret-versions.js";
import {
  type ChangeNotice,
  type ConfigSource,
  type MissingParameter,
  makeSourceState,
  type ParameterEntry,
  type SourceContext,
  type SourceState,
  sameDueDates,
} from "../contract.js";

/** Options of {@link secretsManagerSource}. */
export interface SecretsManagerSourceOptions {
  /**
   * The client to use: any AWS SDK v3 `SecretsManagerClient` (declared structurally, so that
   * these types do not need `@aws-sdk/client-secrets-manager` installed to type-check).
   * @default `new SecretsManagerClient(...)` with 5 s connection and 15 s request timeouts
   */
  client?: AwsClientLike;
  /** Dotted key -> secret name or ARN. */
  secrets: Record<string, string>;
  /** How many requests may be in flight at once, from 1 to 50. @default 10 */
  maxConcurrency?: number;
}

const FACTORY = "secretsManagerSource";
const OPTION_NAMES = ["client", "secrets", "maxConcurrency"] as const;
/** The SDK's default connection pool holds 50 sockets; more concurrency only queues there. */
const MAX_CONCURRENCY = 50;
/** What Secrets Manager allows in a name (up to 512 characters), and the ARN around one. */
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const SECRET_ARN =
  /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]{1,512}$/;

/** `BatchGetSecretValue` takes at most 20 ids. */
const IDS_PER_BATCH = 20;

/**
 * A key bound to a secret. A binding key is a dotted identifier (no segment holds a dot), so its
 * segments are `key.split(".")` and neither the binding nor its entries carry them.
 */
interface SecretBinding {
  readonly key: string;
  readonly secretId: string;
}

interface SecretValue {
  readonly binding: SecretBinding;
  readonly value: string;
  readonly versionId: string;
  readonly created?: Date | undefined;
}

/**
 * Secrets read directly from Secrets Manager: `BatchGetSecretValue` for several at once,
 * `GetSecretValue` for one. Every value is sensitive; its version is the secret's `VersionId`,
 * and refreshes check it with `DescribeSecret`, fetching only secrets that changed.
 *
 * @example
 * secretsManagerSource({ secrets: { "db.password": "prod/db-password" } })
 */
export function secretsManagerSource(options: SecretsManagerSourceOptions): ConfigSource {
  const { bindings, maxConcurrency } = checkOptions(options);
  const limit = pLimit(maxConcurrency);
  let client = options.client;
  const sdk = () => import("@aws-sdk/client-secrets-manager");
  const getClient = async (): Promise<AwsClientLike> => {
    if (!client) {
      const { SecretsManagerClient: Client } = await sdk();
      client = new Client({ requestHandler: DEFAULT_REQUEST_HANDLER }) as AwsClientLike;
    }
    return client;
  };

  /** Reads the current value of each binding; absent secrets come back as `undefined`. */
  const fetchValues = async (wanted: readonly SecretBinding[], context: SourceContext) => {
    const aws = await getClient();
    const { BatchGetSecretValueCommand, GetSecretValueCommand } = await sdk();
    const found = new Map<string, SecretValue>();
    const one = async (binding: SecretBinding) => {
      try {
        const response = (await aws.send(
          new GetSecretValueCommand({ SecretId: binding.secretId }),
          {
            abortSignal: context.signal,
          },
        )) as Record<string, unknown>;
        const value = toSecretValue(binding, response);
        if (value) found.set(binding.key, value);
      } catch (error) {
        if (awsErrorName(error) !== "ResourceNotFoundException") {
          throw toLoadError(error, binding.secretId, "Secrets Manager");
        }
      }
    };
    const batch = async (group: readonly SecretBinding[]) => {
      const ids = [...new Set(group.map((binding) => binding.secretId))];
      let response: {
        SecretValues?: Array<Record<string, unknown>>;
        Errors?: Array<Record<string, unknown>>;
      };
      try {
        response = (await aws.send(new BatchGetSecretValueCommand({ SecretIdList: ids }), {
          abortSignal: context.signal,
        })) as typeof response;
      } catch (error) {
        throw toLoadError(error, ids[0], "Secrets Manager");
      }
      const serious = (response.Errors ?? []).find(
        (item) => item.ErrorCode !== "ResourceNotFoundException",
      );
      if (serious) {
        throw toLoadError(
          Object.assign(new Error(String(serious.Message ?? serious.ErrorCode)), {
            name: String(serious.ErrorCode),
          }),
          String(serious.SecretId ?? ids[0]),
          "Secrets Manager",
        );
      }
      for (const binding of group) {
        const match = (response.SecretValues ?? []).find(
          (item) =>
            sameSecret(String(item.ARN ?? ""), binding.secretId) ||
            sameSecret(String(item.Name ?? ""), binding.secretId),
        );
        const value = match && toSecretValue(binding, match);
        if (value) found.set(binding.key, value);
      }
    };
    if (wanted.length === 1) await one(wanted[0] as SecretBinding);
    else await Promise.all(chunk(wanted, IDS_PER_BATCH).map((group) => limit(() => batch(group))));
    return found;
  };

  /** `DescribeSecret` per binding: current `VersionId` and next rotation; no secret value. */
  const describe = async (wanted: readonly SecretBinding[], context: SourceContext) => {
    const aws = await getClient();
    const result = new Map<
      string,
      { versionId: string; nextRotation?: Date | undefined } | undefined
    >();
    await Promise.all(
      wanted.map((binding) =>
        limit(async () => {
          const state = await describeSecretVersion(aws, binding.secretId, context.signal);
          const versionId = state?.versionId;
          result.set(
            binding.key,
            versionId ? { versionId, nextRotation: state?.nextRotation } : undefined,
          );
        }),
      ),
    );
    return result;
  };

  const assemble = (
    kept: Iterable<ParameterEntry>,
    values: ReadonlyMap<string, SecretValue>,
    dueAt: Date[],
  ): SourceState => {
    const entries = [...kept, ...[...values.values()].map(toEntry)];
    const present = new Set(entries.map((entry) => entry.key));
    const missing: MissingParameter[] = bindings
      .filter((binding) => !present.has(binding.key))
      .map((binding) => ({ key: binding.key, parameter: binding.secretId }));
    return makeSourceState(entries, missing, dueAt);
  };

  const reread = async (
    previous: SourceState,
    wanted: readonly SecretBinding[],
    context: SourceContext,
  ) => {
    const values = await fetchValues(wanted, context);
    const rereadKeys = new Set(wanted.map((binding) => binding.key));
    const kept = [...previous.entries.values()].filter((entry) => !rereadKeys.has(entry.key));
    return assemble(kept, values, [...(previous.dueAt ?? [])]);
  };

  // Its share of a notice is the bindings the notice names.
  const source: ConfigSource<readonly SecretBinding[]> = {
    description: `secretsmanager:${bindings.map((binding) => binding.secretId).join(",")}`,
    async load(context) {
      // DescribeSecret alongside the values: GetSecretValue does not say when rotation is due.
      const [values, described] = await Promise.all([
        fetchValues(bindings, context),
        describe(bindings, context),
      ]);
      const dueAt = [...described.values()].flatMap((state) =>
        state?.nextRotation ? [state.nextRotation] : [],
      );
      return assemble([], values, dueAt);
    },
    async refresh(previous, context) {
      const current = await describe(bindings, context);
      const changed: SecretBinding[] = [];
      const dueAt: Date[] = [];
      let removed = false;
      for (const binding of bindings) {
        const state = current.get(binding.key);
        const held = previous.entries.get(binding.key);
        if (state?.nextRotation) dueAt.push(state.nextRotation);
        if (!state) removed ||= held !== undefined;
        else if (held?.version !== state.versionId) changed.push(binding);
      }
      if (changed.length === 0 && !removed) {
        return sameDueDates(previous.dueAt, dueAt)
          ? previous
          : { ...previous, dueAt: dueAt.length ? dueAt : undefined };
      }
      const values = await fetchValues(changed, context);
      const changedKeys = new Set(changed.map((binding) => binding.key));
      const kept = [...previous.entries.values()].filter(
        (entry) => !changedKeys.has(entry.key) && current.get(entry.key) !== undefined,
      );
      return assemble(kept, values, dueAt);
    },
    watches() {
      return { paths: [], names: [], secrets: bindings.map((binding) => binding.secretId) };
    },
    shareOf(notice: ChangeNotice) {
      if (notice.kind !== "secret-changed") return undefined;
      const named = bindings.filter((b) => notice.ids.some((id) => sameSecret(id, b.secretId)));
      return named.length > 0 ? named : undefined;
    },
    async applyNotices(previous, shares, context) {
      const named = new Set(shares.flat());
      const wanted = bindings.filter((binding) => named.has(binding));
      return wanted.length === 0 ? previous : reread(previous, wanted, context);
    },
  };
  return source;
}

/** Checks every option before anything is called; throws `optionsError(FACTORY, ...)`. */
function checkOptions(options: SecretsManagerSourceOptions): {
  bindings: SecretBinding[];
  maxConcurrency: number;
} {
  if (!isPlainObject(options)) {
    throw optionsError(FACTORY, "pass an options object such as { secrets: { key: secretId } }.");
  }
  const unknown = Object.keys(options).find(
    (name) => !(OPTION_NAMES as readonly string[]).includes(name),
  );
  if (unknown !== undefined) {
    // A misspelt option would otherwise be ignored without a word.
    throw optionsError(
      FACTORY,
      `unknown option ${JSON.stringify(unknown)}; the options are ${OPTION_NAMES.join(", ")}.`,
    );
  }
  const { client, secrets, maxConcurrency = 10 } = options;
  if (
    client !== undefined &&
    (typeof client !== "object" || client === null || typeof client.send !== "function")
  ) {
    throw optionsError(FACTORY, "client must be a SecretsManagerClient (an object with send()).");
  }
  checkIntegerOption(FACTORY, "maxConcurrency", maxConcurrency, { min: 1, max: MAX_CONCURRENCY });
  if (!isPlainObject(secrets)) {
    throw optionsError(
      FACTORY,
      'secrets must be a plain object of dotted key -> secret name or ARN, such as { "db.password": "prod/db" }.',
    );
  }
  const bindings = Object.entries(secrets).map(([key, secretId]): SecretBinding => {
    if (!isBindingKey(key)) {
      throw optionsError(
        FACTORY,
        `secrets key ${JSON.stringify(key)} is not a dotted identifier such as "db.password" (segments start with a letter, "_" or "$"; "__proto__", "constructor" and "prototype" are not allowed).`,
      );
    }
    if (
      typeof secretId !== "string" ||
      !(SECRET_NAME.test(secretId) || SECRET_ARN.test(secretId))
    ) {
      throw optionsError(
        FACTORY,
        `key "${key}" must be bound to a secret name (up to 512 letters, digits and /_+=.@-) or a Secrets Manager ARN.`,
      );
    }
    return { key, secretId };
  });
  if (bindings.length === 0) throw optionsError(FACTORY, "secrets is empty; bind at least one.");
  return { bindings, maxConcurrency };
}

function toSecretValue(
  binding: SecretBinding,
  response: Record<string, unknown>,
): SecretValue | undefined {
  const versionId = response.VersionId;
  if (typeof versionId !== "string") return undefined;
  const text =
    typeof response.SecretString === "string"
      ? response.SecretString
      : response.SecretBinary instanceof Uint8Array
        ? Buffer.from(response.SecretBinary).toString("utf8")
        : undefined;
  if (text === undefined) return undefined;
  return { binding, value: text, versionId, created: toDate(response.CreatedDate) };
}

function toEntry(secret: SecretValue): ParameterEntry {
  return {
    key: secret.binding.key,
    parameter: secret.binding.secretId,
    value: new SensitiveString(secret.value),
    version: secret.versionId,
    type: "Secret",
    sensitive: true,
    lastModified: secret.created?.getTime(),
  };
}
