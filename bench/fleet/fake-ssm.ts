import type { Clock, SsmClientLike } from "../../src/index.js";
import type { TokenBucket } from "./token-bucket.js";

/** One parameter in the simulated Parameter Store. */
export interface StoredParameter {
  readonly name: string;
  readonly type: "String" | "StringList" | "SecureString";
  readonly value: string;
  readonly version: number;
}

/** An in-memory Parameter Store: names kept sorted, as AWS pages through them. */
export class FakeParameterStore {
  readonly #parameters = new Map<string, StoredParameter>();
  #sorted: string[] | undefined;

  put(name: string, value: string, type: StoredParameter["type"] = "String"): number {
    const version = (this.#parameters.get(name)?.version ?? 0) + 1;
    if (!this.#parameters.has(name)) this.#sorted = undefined;
    this.#parameters.set(name, { name, type, value, version });
    return version;
  }

  get(name: string): StoredParameter | undefined {
    return this.#parameters.get(name);
  }

  /** Parameters under `path`, by name; `recursive` false keeps only direct children. */
  under(path: string, recursive: boolean): StoredParameter[] {
    this.#sorted ??= [...this.#parameters.keys()].sort();
    const prefix = `${path.replace(/\/+$/, "")}/`;
    const result: StoredParameter[] = [];
    for (const name of this.#sorted) {
      if (!name.startsWith(prefix)) continue;
      if (!recursive && name.slice(prefix.length).includes("/")) continue;
      result.push(this.#parameters.get(name) as StoredParameter);
    }
    return result;
  }
}

/** Requests seen by the fake client while the quota is enforced. */
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

/** Parameter Store's page sizes and batch limits, as on AWS (not moto's). */
const DESCRIBE_PAGE = 50;
const BY_PATH_PAGE = 10;

interface CommandLike {
  readonly constructor: { readonly name: string };
  readonly input?: Record<string, unknown>;
}

/**
 * An SDK-less SSM client over a {@link FakeParameterStore}: answers the commands `ssmSource`
 * sends (by `command.constructor.name` and `command.input`), charges each request to a shared
 * {@link TokenBucket} and fails with a `ThrottlingException` when the bucket is empty. Answers
 * arrive `latencyMs` of virtual time later; an aborted request rejects at once.
 */
export class FakeSsmClient implements SsmClientLike {
  readonly #store: FakeParameterStore;
  readonly #bucket: TokenBucket;
  readonly #clock: Clock;
  readonly #log: TrafficLog;
  readonly #latencyMs: number;

  constructor(
    store: FakeParameterStore,
    bucket: TokenBucket,
    clock: Clock,
    log: TrafficLog,
    latencyMs: number,
  ) {
    this.#store = store;
    this.#bucket = bucket;
    this.#clock = clock;
    this.#log = log;
    this.#latencyMs = latencyMs;
  }

  send(command: unknown, options?: { abortSignal?: AbortSignal }): Promise<unknown> {
    const typed = command as CommandLike;
    const name = typed.constructor.name;
    const input = typed.input ?? {};
    const allowed = this.#bucket.take();
    if (this.#bucket.enforcing) this.#log.record(this.#clock.now(), name, !allowed);
    let outcome: () => unknown;
    if (!allowed) {
      outcome = () => {
        throw Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" });
      };
    } else {
      // Answered as of the request's arrival, like a real read.
      try {
        const answer = this.#answer(name, input);
        outcome = () => answer;
      } catch (error) {
        outcome = () => {
          throw error;
        };
      }
    }
    return this.#later(outcome, options?.abortSignal);
  }

  #later(outcome: () => unknown, signal: AbortSignal | undefined): Promise<unknown> {
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
      const timer = this.#clock.setTimer(settle, this.#latencyMs);
      const onAbort = () => {
        this.#clock.clearTimer(timer);
        reject(abortError());
      };
      signal?.addEventListener("abort", onAbort, { once: true });
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
      case "GetParameterCommand": {
        const found = this.#store.get(String(input.Name));
        if (!found)
          throw Object.assign(new Error("ParameterNotFound"), { name: "ParameterNotFound" });
        return { Parameter: toParameter(found) };
      }
      default:
        throw new Error(`The fleet simulation's fake SSM does not answer ${command}.`);
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
        matched = this.#store.under(filter.Values?.[0] ?? "/", filter.Option === "Recursive");
      } else if (filter.Key === "Name") {
        matched = (filter.Values ?? [])
          .map((name) => this.#store.get(name))
          .filter((found): found is StoredParameter => found !== undefined);
      }
    }
    const pageSize = Math.min(Number(input.MaxResults ?? DESCRIBE_PAGE), DESCRIBE_PAGE);
    return page(matched, input.NextToken, pageSize, (p) => ({
      Name: p.name,
      Type: p.type,
      Version: p.version,
    }));
  }

  #byPath(input: Record<string, unknown>) {
    const matched = this.#store.under(String(input.Path), input.Recursive === true);
    const pageSize = Math.min(Number(input.MaxResults ?? BY_PATH_PAGE), BY_PATH_PAGE);
    return page(matched, input.NextToken, pageSize, toParameter);
  }

  #getMany(input: Record<string, unknown>) {
    const names = (input.Names ?? []) as string[];
    const found = names.map((name) => this.#store.get(name));
    return {
      Parameters: found.filter((p): p is StoredParameter => p !== undefined).map(toParameter),
      InvalidParameters: names.filter((_, index) => found[index] === undefined),
    };
  }
}

function page<T>(
  items: readonly StoredParameter[],
  token: unknown,
  size: number,
  shape: (parameter: StoredParameter) => T,
): { Parameters: T[]; NextToken?: string } {
  const start = typeof token === "string" && token ? Number(token) : 0;
  const end = start + size;
  const result: { Parameters: T[]; NextToken?: string } = {
    Parameters: items.slice(start, end).map(shape),
  };
  if (end < items.length) result.NextToken = String(end);
  return result;
}

function toParameter(parameter: StoredParameter) {
  return {
    Name: parameter.name,
    Type: parameter.type,
    Value: parameter.value,
    Version: parameter.version,
  };
}

function abortError(): Error {
  return Object.assign(new Error("The operation was aborted"), { name: "AbortError" });
}
