import { SSMClient } from "@aws-sdk/client-ssm";
import { page } from "../../test/support/fake-ssm.js";
import { clientSettings, mixedParameters, type SeedParameter } from "./aws.js";

/** One parameter held by an {@link InProcessParameterStore}. */
interface HeldParameter {
  readonly name: string;
  readonly type: string;
  readonly value: string;
  readonly version: number;
  /** Seconds since the epoch, as the JSON protocol carries `LastModifiedDate`. */
  readonly modified: number;
}

/** Parameter Store's page sizes on AWS (moto pages DescribeParameters by 10). */
const BY_PATH_PAGE = 10;
const DESCRIBE_PAGE = 50;
const GET_PARAMETERS_MAX = 10;

interface HttpRequestLike {
  headers: Record<string, string>;
  body?: unknown;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Parameter Store in memory, answering the SDK's own HTTP requests: an `SSMClient` built by
 * {@link InProcessParameterStore.client} still resolves credentials, serialises, signs and parses
 * every request and response (the SDK work both libraries share), and only the network and the
 * emulator are gone. Pages like AWS: 10 per `GetParametersByPath` page, 50 per
 * `DescribeParameters` page. Responses carry what AWS returns (`ARN`, `DataType`,
 * `LastModifiedDate`), so both libraries parse, and may keep, the same fields.
 */
export class InProcessParameterStore {
  readonly #parameters = new Map<string, HeldParameter>();
  #sorted: string[] | undefined;
  /** `#under` answers by path, until a new name is added. */
  readonly #underCache = new Map<string, HeldParameter[]>();

  /** A store holding `parameters`. */
  static of(parameters: readonly SeedParameter[]): InProcessParameterStore {
    const store = new InProcessParameterStore();
    for (const parameter of parameters) store.put(parameter.name, parameter.value, parameter.type);
    return store;
  }

  /** A store holding {@link mixedParameters}`(root, n)`. */
  static mixed(root: string, n: number): InProcessParameterStore {
    return InProcessParameterStore.of(mixedParameters(root, n));
  }

  /** Writes a value, as PutParameter with Overwrite would; returns the new version. */
  put(name: string, value: string, type = "String"): number {
    const previous = this.#parameters.get(name);
    const version = (previous?.version ?? 0) + 1;
    this.#parameters.set(name, {
      name,
      type,
      value,
      version,
      modified: Math.floor(Date.now() / 1000),
    });
    // Cached path listings hold the parameter objects: drop them on any write.
    this.#underCache.clear();
    if (!previous) this.#sorted = undefined;
    return version;
  }

  /**
   * An SSM client whose requests this store answers in-process. Each call builds a new client
   * (its own middleware stack), as each side of a comparison should have its own.
   */
  client(): SSMClient {
    return new SSMClient({
      ...clientSettings("http://127.0.0.1:9"),
      // No retries: nothing here fails transiently.
      maxAttempts: 1,
      requestHandler: {
        handle: async (request: HttpRequestLike) => ({ response: this.#respond(request) }),
      },
    });
  }

  /**
   * An `SSMClient` whose `send` answers `GetParametersByPath` from response objects parsed
   * beforehand by `prepare(path)` (call it outside the measured part; each page is answered
   * once), so that a load by path costs the library's own work alone: no serialising, signing
   * or parsing. The pages are what the SDK would return (fresh strings, `Date`s), and the client
   * is a real `SSMClient`, as both libraries require.
   */
  preparsedClient(): { client: SSMClient; prepare(path: string): void } {
    const client = this.client();
    let pages = new Map<string, unknown>();
    const prepare = (path: string) => {
      pages = new Map();
      let token: string | undefined;
      for (let count = 0; count < 1_000_000; count++) {
        const answer = this.#answer("GetParametersByPath", {
          Path: path,
          Recursive: true,
          NextToken: token,
        }) as { Parameters: Array<Record<string, unknown>>; NextToken?: string };
        // A JSON round trip gives each run its own strings, as the SDK's parser would.
        const parsed = JSON.parse(JSON.stringify(answer)) as typeof answer;
        for (const item of parsed.Parameters) {
          item.LastModifiedDate = new Date(Number(item.LastModifiedDate) * 1000);
        }
        pages.set(token ?? "", parsed);
        token = answer.NextToken;
        if (!token) break;
      }
    };
    Object.defineProperty(client, "send", {
      value: async (command: { input?: { NextToken?: string } }) => {
        const token = command.input?.NextToken ?? "";
        const answer = pages.get(token);
        if (!answer) throw new Error(`no prepared page for token "${token}": call prepare(path)`);
        pages.delete(token);
        return answer;
      },
    });
    return { client, prepare };
  }

  #respond(request: HttpRequestLike) {
    const target = String(request.headers["x-amz-target"] ?? "");
    const operation = target.slice(target.indexOf(".") + 1);
    const raw = request.body;
    const text =
      typeof raw === "string" ? raw : raw instanceof Uint8Array ? decoder.decode(raw) : "{}";
    const input = JSON.parse(text || "{}") as Record<string, unknown>;
    let status = 200;
    let answer: unknown;
    try {
      answer = this.#answer(operation, input);
    } catch (error) {
      status = 400;
      const name = (error as Error).name;
      answer = { __type: name, message: (error as Error).message };
    }
    return {
      statusCode: status,
      headers: { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": "in-process" },
      body: encoder.encode(JSON.stringify(answer)),
    };
  }

  #answer(operation: string, input: Record<string, unknown>): unknown {
    switch (operation) {
      case "GetParametersByPath": {
        const matched = this.#under(String(input.Path), input.Recursive === true);
        const size = Math.min(Number(input.MaxResults ?? BY_PATH_PAGE), BY_PATH_PAGE);
        return page(matched, input.NextToken, size, full);
      }
      case "GetParameters": {
        const names = (input.Names ?? []) as string[];
        if (names.length > GET_PARAMETERS_MAX) {
          throw named("ValidationException", "Names: at most 10 names per GetParameters call.");
        }
        const found = names.map((name) => this.#parameters.get(name));
        return {
          Parameters: found.filter((p): p is HeldParameter => p !== undefined).map(full),
          InvalidParameters: names.filter((_, index) => found[index] === undefined),
        };
      }
      case "GetParameter": {
        const found = this.#parameters.get(String(input.Name));
        if (!found) throw named("ParameterNotFound", `Parameter ${String(input.Name)} not found.`);
        return { Parameter: full(found) };
      }
      case "DescribeParameters":
        return this.#describe(input);
      default:
        throw named("InvalidAction", `The in-process store does not answer ${operation}.`);
    }
  }

  #describe(input: Record<string, unknown>) {
    const filters = (input.ParameterFilters ?? []) as Array<{
      Key: string;
      Option?: string;
      Values?: string[];
    }>;
    let matched: HeldParameter[] = [];
    for (const filter of filters) {
      if (filter.Key === "Path") {
        matched = this.#under(filter.Values?.[0] ?? "/", filter.Option === "Recursive");
      } else if (filter.Key === "Name") {
        matched = (filter.Values ?? [])
          .map((name) => this.#parameters.get(name))
          .filter((found): found is HeldParameter => found !== undefined);
      }
    }
    const size = Math.min(Number(input.MaxResults ?? DESCRIBE_PAGE), DESCRIBE_PAGE);
    return page(matched, input.NextToken, size, (p) => ({
      Name: p.name,
      Type: p.type,
      Version: p.version,
      LastModifiedDate: p.modified,
      DataType: "text",
      Tier: "Standard",
      Policies: [],
    }));
  }

  #under(path: string, recursive: boolean): HeldParameter[] {
    const cacheKey = `${recursive}:${path}`;
    const cached = this.#underCache.get(cacheKey);
    if (cached) return cached;
    this.#sorted ??= [...this.#parameters.keys()].sort();
    const prefix = `${path.replace(/\/+$/, "")}/`;
    const result: HeldParameter[] = [];
    for (const name of this.#sorted) {
      if (!name.startsWith(prefix)) continue;
      if (!recursive && name.slice(prefix.length).includes("/")) continue;
      result.push(this.#parameters.get(name) as HeldParameter);
    }
    this.#underCache.set(cacheKey, result);
    return result;
  }
}

function full(parameter: HeldParameter) {
  return {
    Name: parameter.name,
    Type: parameter.type,
    Value: parameter.value,
    Version: parameter.version,
    LastModifiedDate: parameter.modified,
    ARN: `arn:aws:ssm:us-east-1:123456789012:parameter${parameter.name}`,
    DataType: "text",
  };
}

function named(name: string, message: string): Error {
  return Object.assign(new Error(message), { name });
}
