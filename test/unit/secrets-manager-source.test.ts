import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { describe, expect, expectTypeOf, it } from "vitest";
import { type AwsClientLike, ConfigLoadError } from "../../src/index.js";
import {
  type SecretsManagerSourceOptions,
  secretsManagerSource,
} from "../../src/secrets-manager.js";
import type { ChangeNotice, SourceState } from "../../src/sources/contract.js";

const ACCOUNT_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret";
const arnOf = (name: string) => `${ACCOUNT_ARN}:${name}-AbC123`;

/**
 * An in-process Secrets Manager: GetSecretValue, BatchGetSecretValue and DescribeSecret over a
 * map of name -> value, each write a new VersionId. Records every command it is sent.
 */
function fakeSecretsManager(initial: Record<string, string>) {
  const store = new Map<string, { value: string; version: string }>();
  let versions = 0;
  const put = (name: string, value: string) => {
    versions++;
    store.set(name, { value, version: `v${versions}` });
  };
  for (const [name, value] of Object.entries(initial)) put(name, value);
  const calls: Array<[string, unknown]> = [];
  const find = (id: string) => {
    for (const [name, secret] of store) {
      if (id === name || id === arnOf(name)) return { name, ...secret };
    }
    return undefined;
  };
  const notFound = () =>
    Object.assign(new Error("Secrets Manager can't find the specified secret."), {
      name: "ResourceNotFoundException",
    });
  const client: AwsClientLike = {
    async send(command) {
      const name = (command as object).constructor.name;
      const input = (command as { input: Record<string, unknown> }).input;
      calls.push([name, input]);
      if (name === "GetSecretValueCommand") {
        const secret = find(input.SecretId as string);
        if (!secret) throw notFound();
        return {
          ARN: arnOf(secret.name),
          Name: secret.name,
          SecretString: secret.value,
          VersionId: secret.version,
        };
      }
      if (name === "BatchGetSecretValueCommand") {
        const ids = input.SecretIdList as string[];
        const found = ids.flatMap((id) => {
          const secret = find(id);
          return secret ? [secret] : [];
        });
        return {
          SecretValues: found.map((secret) => ({
            ARN: arnOf(secret.name),
            Name: secret.name,
            SecretString: secret.value,
            VersionId: secret.version,
          })),
          Errors: ids
            .filter((id) => !find(id))
            .map((id) => ({ SecretId: id, ErrorCode: "ResourceNotFoundException" })),
        };
      }
      if (name === "DescribeSecretCommand") {
        const secret = find(input.SecretId as string);
        if (!secret) throw notFound();
        return { Name: secret.name, VersionIdsToStages: { [secret.version]: ["AWSCURRENT"] } };
      }
      throw new Error(`fake Secrets Manager: ${name} is not faked`);
    },
  };
  return { client, calls, put };
}

const context = () => ({ signal: new AbortController().signal });

function thrown(act: () => unknown): unknown {
  try {
    act();
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to throw");
}

describe("secretsManagerSource: options", () => {
  const { client } = fakeSecretsManager({});
  const secrets = { "db.password": "prod/db" };

  it.each<[string, unknown, RegExp]>([
    ["no options", undefined, /pass an options object/],
    ["null options", null, /pass an options object/],
    ["options that are an array", [secrets], /pass an options object/],
    ["no secrets", { client }, /secrets must be a plain object/],
    [
      "secrets that are an array",
      { client, secrets: [["a", "b"]] },
      /secrets must be a plain object/,
    ],
    [
      "secrets that are a Map",
      { client, secrets: new Map([["a", "b"]]) },
      /secrets must be a plain object/,
    ],
    ["empty secrets", { client, secrets: {} }, /secrets is empty/],
    [
      "a key that is not a dotted identifier",
      { client, secrets: { "1db": "prod/db" } },
      /secrets key "1db"/,
    ],
    [
      "a key with an empty segment",
      { client, secrets: { "db..password": "prod/db" } },
      /secrets key/,
    ],
    [
      "a key reaching a prototype",
      { client, secrets: { "__proto__.x": "prod/db" } },
      /secrets key/,
    ],
    ["a secret id that is a number", { client, secrets: { a: 5 } }, /key "a" must be bound/],
    ["an empty secret id", { client, secrets: { a: "" } }, /key "a" must be bound/],
    ["a secret id with a space", { client, secrets: { a: "prod/db password" } }, /key "a"/],
    ["a secret name of 513 characters", { client, secrets: { a: "n".repeat(513) } }, /key "a"/],
    [
      "the ARN of a parameter",
      { client, secrets: { a: "arn:aws:ssm:us-east-1:123456789012:parameter/a" } },
      /key "a"/,
    ],
    [
      "maxConcurrency 0",
      { client, secrets, maxConcurrency: 0 },
      /maxConcurrency must be a whole number from 1 to 50, not 0/,
    ],
    ["maxConcurrency -1", { client, secrets, maxConcurrency: -1 }, /maxConcurrency/],
    ["maxConcurrency 1.5", { client, secrets, maxConcurrency: 1.5 }, /maxConcurrency/],
    ["maxConcurrency NaN", { client, secrets, maxConcurrency: Number.NaN }, /maxConcurrency/],
    [
      "maxConcurrency Infinity",
      { client, secrets, maxConcurrency: Number.POSITIVE_INFINITY },
      /maxConcurrency/,
    ],
    ["maxConcurrency 51", { client, secrets, maxConcurrency: 51 }, /maxConcurrency/],
    ['maxConcurrency "10"', { client, secrets, maxConcurrency: "10" }, /maxConcurrency/],
    ["a client without send()", { client: {}, secrets }, /client must be a SecretsManagerClient/],
    ["a client that is a string", { client: "secretsmanager", secrets }, /client must be/],
    ["a misspelt option", { client, secret: secrets }, /unknown option "secret"/],
  ])("refuses %s with an options error naming secretsManagerSource", (_, options, message) => {
    // Act
    const error = thrown(() => secretsManagerSource(options as SecretsManagerSourceOptions));

    // Assess
    expect(error).toBeInstanceOf(ConfigLoadError);
    expect((error as ConfigLoadError).reason).toBe("options");
    expect((error as Error).message.startsWith("secretsManagerSource: ")).toBe(true);
    expect((error as Error).message).not.toContain("ssmSource");
    expect((error as Error).message).toMatch(message);
  });

  it("checks options before sending anything", () => {
    // Prepare
    const fake = fakeSecretsManager({ "prod/db": "s3cret" });

    // Act
    thrown(() => secretsManagerSource({ client: fake.client, secrets, maxConcurrency: 0 }));

    // Assess
    expect(fake.calls).toEqual([]);
  });

  it.each([
    ["a name with every allowed character", "a/b_c+d=e.f@g-h"],
    ["a secret name of 512 characters", "n".repeat(512)],
    ["a full ARN", arnOf("prod/db")],
    [
      "an ARN in another partition",
      "arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:x",
    ],
  ])("accepts %s", (_, secretId) => {
    expect(() => secretsManagerSource({ client, secrets: { a: secretId } })).not.toThrow();
  });

  it("accepts maxConcurrency from 1 to 50", () => {
    for (const maxConcurrency of [1, 50]) {
      expect(() => secretsManagerSource({ client, secrets, maxConcurrency })).not.toThrow();
    }
  });

  it("takes any SDK v3 SecretsManagerClient, typed structurally (no SDK type in its options)", () => {
    // A SecretsManagerClient fits without a cast ...
    const options: SecretsManagerSourceOptions = {
      client: new SecretsManagerClient({ region: "us-east-1" }),
      secrets,
    };
    expect(() => secretsManagerSource(options)).not.toThrow();
    // ... and the published option type names no type of @aws-sdk/client-secrets-manager.
    expectTypeOf<SecretsManagerSourceOptions["client"]>().toEqualTypeOf<
      AwsClientLike | undefined
    >();
  });
});

describe("secretsManagerSource: change notices", () => {
  const changed = (...ids: string[]): ChangeNotice => ({ kind: "secret-changed", ids });

  async function loaded() {
    const fake = fakeSecretsManager({ "prod/a": "a1", "prod/db": "db1", "prod/db-backup": "b1" });
    const source = secretsManagerSource({
      client: fake.client,
      secrets: { a: "prod/a", db: "prod/db" },
    });
    const previous = await source.load(context());
    fake.calls.length = 0;
    return { fake, source, previous };
  }

  it.each([
    ["its name", true, changed("prod/db")],
    ["its full ARN", true, changed(arnOf("prod/db"))],
    ["its ARN without the random suffix", true, changed(`${ACCOUNT_ARN}:prod/db`)],
    ["one id among others", true, changed("other", arnOf("prod/db"))],
    ["another secret whose name extends it", false, changed("prod/db-backup")],
    ["the ARN of that other secret", false, changed(arnOf("prod/db-backup"))],
    ["a prefix of its name", false, changed("prod")],
    ["a parameter of the same name", false, { kind: "parameter-changed", name: "/prod/db" }],
    [
      "a parameter removal of the same name",
      false,
      { kind: "parameter-removed", name: "prod/db", cause: "deleted" },
    ],
  ] as Array<[string, boolean, ChangeNotice]>)(
    "decides for a notice naming %s: concerned = %s",
    async (_, expected, notice) => {
      // Prepare
      const { fake, source, previous } = await loaded();

      // Act / Assess
      expect(source.shareOf?.(notice, previous) !== undefined).toBe(expected);
      expect(fake.calls).toEqual([]);
    },
  );

  it("re-reads only the secret a notice names, by name or ARN, keeping the others as they were", async () => {
    // Prepare
    const { fake, source, previous } = await loaded();
    fake.put("prod/db", "db2");

    // Act
    const next = (await source.applyNotices?.(
      previous,
      [source.shareOf?.(changed(arnOf("prod/db")), previous)],
      context(),
    )) as SourceState;

    // Assess
    expect(fake.calls).toEqual([["GetSecretValueCommand", { SecretId: "prod/db" }]]);
    expect(next.entries.get("a")).toBe(previous.entries.get("a"));
    expect(next.entries.get("db")?.version).not.toBe(previous.entries.get("db")?.version);
  });

  it("claims no share of notices about nothing it holds, and given no share returns the previous state itself without a call", async () => {
    // Prepare
    const { fake, source, previous } = await loaded();
    const notices: ChangeNotice[] = [
      changed("prod/db-backup"),
      { kind: "parameter-changed", name: "/prod/db" },
    ];

    // Act
    const shares = notices.map((notice) => source.shareOf?.(notice, previous));
    const next = await source.applyNotices?.(previous, [], context());

    // Assess
    expect(shares).toEqual([undefined, undefined]);
    expect(next).toBe(previous);
    expect(fake.calls).toEqual([]);
  });
});
