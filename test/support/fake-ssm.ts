import type { Clock, SsmClientLike } from "../../src/index.js";

/**
 * An in-process Parameter Store for unit tests and the bench: the store, and an SDK-less client
 * that answers the commands `ssmSource` and the CLI send, by `command.constructor.name` and
 * `command.input`, with AWS's page sizes, errors and quirks (versions restart at 1 when a name is
 * deleted and created again; a missing secret reference fails a whole `GetParameters`).
 */

/** Parameter Store's parameter types. */
export type StoredType = "String" | "StringList" | "SecureString";

/** One version of a parameter in the fake store. */
export interface StoredParameter {
  readonly name: string;
  readonly type: StoredType;
  readonly value: string;
  readonly version: number;
  /** Epoch ms of the write, from the store's clock. */
  readonly lastModified: number;
  readonly labels: readonly string[];
  /** Parameter policies as `PolicyText` JSON strings (e.g. an Expiration). */
  readonly policies: readonly string[];
}

/** A Secrets Manager secret, as served through `/aws/reference/secretsmanager/<id>`. */
export interface StoredSecret {
  readonly id: string;
  readonly value: string;
  readonly versionId: string;
}

const SECRET_PREFIX = "/aws/reference/secretsmanager/";

/** Names are one parameter with or without a leading `/` at the root, as on AWS. */
function canonical(name: string): string {
  return name.startsWith("/") ? name : `/${name}`;
}

/** An in-memory Parameter Store: every version of every name, names kept sorted for paging. */
export class FakeParameterStore {
  readonly #history = new Map<string, StoredParameter[]>();
  readonly #secrets = new Map<string, StoredSecret>();
  readonly #now: () => number;
  #sorted: string[] | undefined;
  /** Listings by path, until the next write: a load pages through one listing 10 at a time. */
  readonly #listings = new Map<string, StoredParameter[]>();
  #secretVersions = 0;

  /** @param now The clock of `LastModifiedDate` (epoch ms). @default Date.now */
  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** Creates or overwrites a parameter; returns its new version (1 after a delete). */
  put(
    name: string,
    value: string,
    type: StoredType = "String",
    options: { policies?: readonly string[] } = {},
  ): number {
    const key = canonical(name);
    this.#listings.clear();
    const history = this.#history.get(key) ?? [];
    if (history.length === 0) this.#sorted = undefined;
    const version = history.length + 1;
    history.push({
      name,
      type,
      value,
      version,
      lastModified: this.#now(),
      labels: [],
      policies: options.policies ?? [],
    });
    this.#history.set(key, history);
    return version;
  }

  /** Deletes a parameter with all its versions; false when it did not exist. */
  delete(name: string): boolean {
    this.#listings.clear();
    const deleted = this.#history.delete(canonical(name));
    if (deleted) this.#sorted = undefined;
    return deleted;
  }

  /** Moves `label` to `version` of `name`, as `LabelParameterVersion` does. */
  label(name: string, version: number, label: string): void {
    this.#listings.clear();
    const history = this.#history.get(canonical(name)) ?? [];
    const target = history[version - 1];
    if (!target) throw new Error(`${name} has no version ${version}`);
    for (const [index, item] of history.entries()) {
      const labels = item.labels.filter((l) => l !== label);
      history[index] = { ...item, labels: item === target ? [...labels, label] : labels };
    }
  }

  /** The latest version of a name. */
  get(name: string): StoredParameter | undefined {
    return this.#history.get(canonical(name))?.at(-1);
  }

  /** A name with an optional `:version` or `:label` selector, as `GetParameters` resolves it. */
  select(nameWithSelector: string): StoredParameter | undefined {
    const colon = nameWithSelector.indexOf(":");
    if (colon === -1) return this.get(nameWithSelector);
    const history = this.#history.get(canonical(nameWithSelector.slice(0, colon))) ?? [];
    const selector = nameWithSelector.slice(colon + 1);
    if (/^\d+$/.test(selector)) return history[Number(selector) - 1];
    return history.find((item) => item.labels.includes(selector));
  }

  /** Every name held, sorted. */
  names(): string[] {
    this.#sorted ??= [...this.#history.keys()].sort();
    return this.#sorted;
  }

  /** Latest versions under `path`, by name; `recursive` false keeps only direct children. */
  under(path: string, recursive: boolean): StoredParameter[] {
    const cacheKey = `${recursive}:${path}`;
    const cached = this.#listings.get(cacheKey);
    if (cached) return cached;
    const prefix = `${path.replace(/\/+$/, "")}/`;
    const result: StoredParameter[] = [];
    this.#listings.set(cacheKey, result);
    for (const name of this.names()) {
      if (!name.startsWith(prefix)) continue;
      if (!recursive && name.slice(prefix.length).includes("/")) continue;
      result.push(this.get(name) as StoredParameter);
    }
    return result;
  }

  /** Creates or updates a secret; returns its new version id. */
  putSecret(id: string, value: string): string {
    const versionId = `v${++this.#secretVersions}`;
    this.#secrets.set(id, { id, value, versionId });
    return versionId;
  }

  deleteSecret(id: string): void {
    this.#secrets.delete(id);
  }

  secret(id: string): StoredSecret | undefined {
    return this.#secrets.get(id);
  }
}

/** Requests seen by the fake client while the quota is enforced (the fleet simulation). */
export class TrafficLog {
  readonly perSecond = new Map<number, number>();
  readonly byCommand = new Map<string, number>();
  total = 0;
  throttled = 0;
  /** Virtual time at which counting started. */
  startedAt = 0;

  record(now: number, command: string, throttled: boolean): void {
    const second = Math.floor((now - this.startedAt) / 1000);
    this.perSecond.set(second, (this.perSecond.get(second) ?? 0) + 1);
    this.byCommand.set(command, (this.byCommand.get(command) ?? 0) + 1);
    this.total++;
    if (throttled) this.throttled++;
  }
}

/** Options of {@link FakeSsmClient}; all optional. */
export interface FakeSsmOptions {
  /** Answers arrive `latencyMs` of this clock's time later; without it, on the next microtask. */
  clock?: Clock;
  latencyMs?: number;
  /** An account-wide quota: a request without a token fails with `ThrottlingException`. */
  quota?: { take(): boolean; readonly enforcing: boolean };
  /** Records each request while the quota is enforced. */
  log?: TrafficLog;
  /** Returns an error to fail a request with (AccessDenied, throttling, ...), or nothing. */
  fail?: (command: string, input: Readonly<Record<string, unknown>>) => Error | undefined;
}

/** A request the fake client received. */
export interface FakeRequest {
  readonly command: string;
  readonly input: Readonly<Record<string, unknown>>;
}

/** Parameter Store's page sizes and batch limits, as on AWS (not moto's). */
const DESCRIBE_PAGE = 50;
const BY_PATH_PAGE = 10;
const NAMES_PER_GET = 10;

interface CommandLike {
  readonly constructor: { readonly name: string };
  readonly input?: Record<string, unknown>;
}

/** An AWS-style service error. */
export function awsError(name: string, message = name): Error {
  return Object.assign(new Error(message), { name, $fault: "client", $metadata: {} });
}

/**
 * An SDK-less SSM client over a {@link FakeParameterStore}. Answers as of the request's arrival,
 * like a real read; an aborted request rejects at once. `requests` lists every request.
 */
export class FakeSsmClient implements SsmClientLike {
  readonly store: FakeParameterStore;
  readonly requests: FakeRequest[] = [];
  readonly #options: FakeSsmOptions;

  constructor(store: FakeParameterStore, options: FakeSsmOptions = {}) {
    this.store = store;
    this.#options = options;
  }

  /** How many requests were sent, of one command (e.g. `"GetParametersCommand"`) or in all. */
  count(command?: string): number {
    return command === undefined
      ? this.requests.length
      : this.requests.filter((request) => request.command === command).length;
  }

  send(command: unknown, options?: { abortSignal?: AbortSignal }): Promise<unknown> {
    const typed = command as CommandLike;
    const name = typed.constructor.name;
    const input = typed.input ?? {};
    this.requests.push({ command: name, input });
    const { quota, log, clock, fail } = this.#options;
    const allowed = quota ? quota.take() : true;
    if (quota?.enforcing && log && clock) log.record(clock.now(), name, !allowed);
    let outcome: () => unknown;
    try {
      const injected = allowed
        ? fail?.(name, input)
        : awsError("ThrottlingException", "Rate exceeded");
      if (injected) throw injected;
      const answer = this.#answer(name, input);
      outcome = () => answer;
    } catch (error) {
      outcome = () => {
        throw error;
      };
    }
    return this.#later(outcome, options?.abortSignal);
  }

  #later(outcome: () => unknown, signal: AbortSignal | undefined): Promise<unknown> {
    const { clock, latencyMs = 0 } = this.#options;
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(abortError());
      const settle = () => {
        signal?.removeEventListener("abort", onAbort);
        try {
          resolve(outcome());
        } catch (error) {
          reject(error);
        }
      };
      let cancel = () => {};
      const onAbort = () => {
        cancel();
        reject(abortError());
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      if (clock) {
        const timer = clock.setTimer(settle, latencyMs);
        cancel = () => clock.clearTimer(timer);
      } else {
        let cancelled = false;
        cancel = () => {
          cancelled = true;
        };
        queueMicrotask(() => {
          if (!cancelled) settle();
        });
      }
    });
  }

  #answer(command: string, input: Record<string, unknown>): unknown {
    switch (command) {
      case "DescribeParametersCommand":
        return this.#describe(input);
      case "GetParametersByPathCommand":
        return this.#byPath(input);
      case "GetParametersCommand":
        return this.#getMany(input);
      case "GetParameterCommand":
        return this.#getOne(input);
      default:
        throw new Error(`The fake SSM client does not answer ${command}.`);
    }
  }

  #describe(input: Record<string, unknown>) {
    const filters = (input.ParameterFilters ?? []) as Array<{
      Key: string;
      Option?: string;
      Values?: string[];
    }>;
    let matched: StoredParameter[] = [];
    for (const filter of filters) {
      if (filter.Key === "Path") {
        matched = this.store.under(filter.Values?.[0] ?? "/", filter.Option === "Recursive");
      } else if (filter.Key === "Name") {
        if ((filter.Values ?? []).length > 50) throw awsError("ValidationException");
        matched = (filter.Values ?? [])
          .map((name) => this.store.get(name))
          .filter((found): found is StoredParameter => found !== undefined);
      }
    }
    const pageSize = Math.min(Number(input.MaxResults ?? DESCRIBE_PAGE), DESCRIBE_PAGE);
    return page(matched, input.NextToken, pageSize, (p) => ({
      Name: p.name,
      Type: p.type,
      Version: p.version,
      LastModifiedDate: new Date(p.lastModified),
      Policies: p.policies.map((PolicyText) => ({ PolicyText, PolicyStatus: "Pending" })),
    }));
  }

  #byPath(input: Record<string, unknown>) {
    const matched = this.store.under(String(input.Path), input.Recursive === true);
    const pageSize = Math.min(Number(input.MaxResults ?? BY_PATH_PAGE), BY_PATH_PAGE);
    const decrypt = input.WithDecryption === true;
    return page(matched, input.NextToken, pageSize, (p) => toParameter(p, decrypt));
  }

  #getMany(input: Record<string, unknown>) {
    const names = (input.Names ?? []) as string[];
    if (names.length > NAMES_PER_GET) throw awsError("ValidationException");
    const decrypt = input.WithDecryption === true;
    const parameters: unknown[] = [];
    const invalid: string[] = [];
    for (const name of names) {
      if (name.startsWith(SECRET_PREFIX)) {
        // Parameter Store fails the whole batch for a missing secret reference.
        parameters.push(this.#reference(name, decrypt));
        continue;
      }
      const found = this.store.select(name);
      if (found) parameters.push(toParameter(found, decrypt, name));
      else invalid.push(name);
    }
    return { Parameters: parameters, InvalidParameters: invalid };
  }

  #getOne(input: Record<string, unknown>) {
    const name = String(input.Name);
    const decrypt = input.WithDecryption === true;
    if (name.startsWith(SECRET_PREFIX)) return { Parameter: this.#reference(name, decrypt) };
    const found = this.store.select(name);
    if (!found) {
      throw awsError(name.includes(":") ? "ParameterVersionNotFound" : "ParameterNotFound");
    }
    return { Parameter: toParameter(found, decrypt, name) };
  }

  #reference(name: string, decrypt: boolean) {
    if (!decrypt) {
      throw awsError("ValidationException", "WithDecryption flag must be True for a reference");
    }
    const id = name.slice(SECRET_PREFIX.length);
    const secret = this.store.secret(id);
    if (!secret) throw awsError("ParameterNotFound", `Secret ${id} not found`);
    const arn = `arn:aws:secretsmanager:us-east-1:123456789012:secret:${id}-AbCdEf`;
    return {
      Name: name,
      Type: "SecureString",
      Value: secret.value,
      Version: 0,
      ARN: arn,
      SourceResult: JSON.stringify({
        ARN: arn,
        Name: id,
        VersionId: secret.versionId,
        VersionStages: ["AWSCURRENT"],
      }),
    };
  }
}

/** One page of `items` as Parameter Store pages them: `NextToken` is the next start index. */
export function page<Item, T>(
  items: readonly Item[],
  token: unknown,
  size: number,
  shape: (item: Item) => T,
): { Parameters: T[]; NextToken?: string } {
  const start = typeof token === "string" && token ? Number(token) : 0;
  const end = start + size;
  const result: { Parameters: T[]; NextToken?: string } = {
    Parameters: items.slice(start, end).map(shape),
  };
  if (end < items.length) result.NextToken = String(end);
  return result;
}

function toParameter(parameter: StoredParameter, decrypt: boolean, asked?: string) {
  const colon = asked?.indexOf(":") ?? -1;
  return {
    Name: parameter.name,
    Type: parameter.type,
    // Without decryption a SecureString comes back as ciphertext, never the value.
    Value:
      parameter.type === "SecureString" && !decrypt
        ? `ciphertext:${parameter.version}`
        : parameter.value,
    Version: parameter.version,
    LastModifiedDate: new Date(parameter.lastModified),
    ...(colon > 0 && asked ? { Selector: asked.slice(colon) } : {}),
  };
}

function abortError(): Error {
  return Object.assign(new Error("The operation was aborted"), { name: "AbortError" });
}
