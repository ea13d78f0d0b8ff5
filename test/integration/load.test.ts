import { CreateSecretCommand, PutSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { LabelParameterVersionCommand } from "@aws-sdk/client-ssm";
import { beforeAll, expect, it } from "vitest";
import { z } from "zod";
import {
  ConfigLoadError,
  ConfigValidationError,
  createConfig,
  ssmSource,
} from "../../src/index.js";
import { json } from "../../src/zod.js";
import {
  awsClients,
  countCalls,
  describeMoto,
  putParameter,
  totalCalls,
  uniquePath,
} from "../support/aws.js";
import { closeAfterEach } from "../support/loaders.js";

const track = closeAfterEach();

describeMoto("loading by path", () => {
  const { ssm, secrets } = awsClients();
  let root: string;
  let stripeSecret: string;

  beforeAll(async () => {
    root = uniquePath("app");
    stripeSecret = `${root.slice(1)}/stripe`;
    await putParameter(ssm, `${root}/db/host`, "db.internal");
    await putParameter(ssm, `${root}/db/port`, "5432");
    await putParameter(ssm, `${root}/db/password`, "canary-pw-0001", "SecureString");
    await putParameter(ssm, `${root}/origins`, "https://a.example,https://b.example", "StringList");
    await putParameter(ssm, `${root}/level`, "debug");
    await secrets.send(
      new CreateSecretCommand({
        Name: stripeSecret,
        SecretString: JSON.stringify({ apiKey: "sk_canary_123" }),
      }),
    );
  });

  const Schema = z.object({
    db: z.object({ host: z.string(), port: z.coerce.number().int(), password: z.string() }),
    origins: z.array(z.string()),
    stripe: json(z.object({ apiKey: z.string() })),
    level: z.enum(["debug", "info"]).default("info"),
  });

  function makeConfig() {
    return track(
      createConfig({
        schema: Schema,
        sources: [
          ssmSource({
            client: ssm,
            path: root,
            parameters: { stripe: `/aws/reference/secretsmanager/${stripeSecret}` },
          }),
        ],
      }),
    );
  }

  it("builds a nested, typed, decrypted snapshot from the hierarchy and a secret reference", async () => {
    const config = makeConfig();
    const value = await config.load();
    expect(value).toEqual({
      db: { host: "db.internal", port: 5432, password: "canary-pw-0001" },
      origins: ["https://a.example", "https://b.example"],
      stripe: { apiKey: "sk_canary_123" },
      level: "debug",
    });
    expect(config.current).toBe(value);
    expect(config.revision).toBe(1);
  });

  it("freezes the snapshot deeply", async () => {
    const config = makeConfig();
    const value = await config.load();
    expect(Object.isFrozen(value)).toBe(true);
    expect(Object.isFrozen(value.db)).toBe(true);
    expect(Object.isFrozen(value.origins)).toBe(true);
  });

  it("redacts SecureStrings and secrets, and only them", async () => {
    const config = makeConfig();
    await config.load();
    expect(config.redacted()).toEqual({
      db: { host: "db.internal", port: 5432, password: "[REDACTED]" },
      origins: ["https://a.example", "https://b.example"],
      stripe: { apiKey: "[REDACTED]" },
      level: "debug",
    });
    expect(JSON.stringify(config)).not.toContain("canary");
  });

  it("reports the SSM Version and the secret's VersionId per key", async () => {
    const config = makeConfig();
    await config.load();
    const versions = config.versions();
    expect(versions["db.host"]).toEqual({ parameter: `${root}/db/host`, version: 1 });
    expect(versions.stripe?.parameter).toBe(`/aws/reference/secretsmanager/${stripeSecret}`);
    expect(typeof versions.stripe?.version).toBe("string");
    expect(String(versions.stripe?.version).length).toBeGreaterThan(8);
  });

  it("returns the same snapshot when load() is called again", async () => {
    const config = makeConfig();
    const first = await config.load();
    expect(await config.load()).toBe(first);
    expect(config.revision).toBe(1);
  });

  it("throws ConfigLoadError when current is read before the first load", () => {
    const config = makeConfig();
    expect(() => config.current).toThrow(ConfigLoadError);
  });

  it("follows a secret's new version after PutSecretValue", async () => {
    const name = `${root.slice(1)}/rotating`;
    await secrets.send(new CreateSecretCommand({ Name: name, SecretString: "first-secret" }));
    const config = track(
      createConfig({
        schema: z.object({ token: z.string() }),
        sources: [
          ssmSource({
            client: ssm,
            parameters: { token: `/aws/reference/secretsmanager/${name}` },
          }),
        ],
      }),
    );
    const first = await config.load();
    const firstVersion = config.versions().token?.version;
    await secrets.send(
      new PutSecretValueCommand({ SecretId: name, SecretString: "second-secret" }),
    );
    const changes = await config.refresh();
    expect(first.token).toBe("first-secret");
    expect(config.current.token).toBe("second-secret");
    expect(changes).toEqual([
      expect.objectContaining({ key: "token", kind: "updated", previousVersion: firstVersion }),
    ]);
  });
});

describeMoto("named parameters and selectors", () => {
  const { ssm } = awsClients();

  it("binds version and label selectors to keys", async () => {
    const root = uniquePath("sel");
    await putParameter(ssm, `${root}/port`, "1000");
    await putParameter(ssm, `${root}/port`, "2000");
    await putParameter(ssm, `${root}/port`, "3000");
    await ssm.send(
      new LabelParameterVersionCommand({
        Name: `${root}/port`,
        ParameterVersion: 2,
        Labels: ["stable"],
      }),
    );
    const config = track(
      createConfig({
        schema: z.object({
          pinned: z.coerce.number(),
          stable: z.coerce.number(),
          latest: z.coerce.number(),
        }),
        sources: [
          ssmSource({
            client: ssm,
            parameters: {
              pinned: `${root}/port:1`,
              stable: `${root}/port:stable`,
              latest: `${root}/port`,
            },
          }),
        ],
      }),
    );
    expect(await config.load()).toEqual({ pinned: 1000, stable: 2000, latest: 3000 });
    expect(config.versions().stable).toEqual({ parameter: `${root}/port:stable`, version: 2 });
  });

  it("lets bindings override keys derived from the path", async () => {
    const root = uniquePath("ovr");
    await putParameter(ssm, `${root}/db/port`, "1111");
    await putParameter(ssm, `${root}/shared-port`, "2222");
    const config = track(
      createConfig({
        schema: z.object({ db: z.object({ port: z.coerce.number() }) }).passthrough(),
        sources: [
          ssmSource({ client: ssm, path: root, parameters: { "db.port": `${root}/shared-port` } }),
        ],
      }),
    );
    const value = await config.load();
    expect(value.db.port).toBe(2222);
  });

  it("reports a missing bound parameter as a schema issue naming it", async () => {
    const root = uniquePath("missing");
    await putParameter(ssm, `${root}/present`, "yes");
    const config = track(
      createConfig({
        schema: z.object({ present: z.string(), absent: z.string() }),
        sources: [
          ssmSource({
            client: ssm,
            parameters: { present: `${root}/present`, absent: `${root}/absent` },
          }),
        ],
      }),
    );
    const error = await config.load().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigValidationError);
    const issues = (error as ConfigValidationError).issues;
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ key: "absent", parameter: `${root}/absent` });
    expect(issues[0]?.message).toMatch(/not found/);
  });

  it("leaves a missing optional parameter absent without an error", async () => {
    const root = uniquePath("optional");
    const config = track(
      createConfig({
        schema: z.object({ feature: z.string().optional() }),
        sources: [ssmSource({ client: ssm, parameters: { feature: `${root}/nope` } })],
      }),
    );
    expect(await config.load()).toEqual({});
  });

  it("reads 100 named parameters in batches of 10", async () => {
    const root = uniquePath("many");
    const parameters: Record<string, string> = {};
    for (let i = 0; i < 100; i++) {
      await putParameter(ssm, `${root}/p${i}`, `v${i}`, i % 10 === 0 ? "SecureString" : "String");
      parameters[`p${i}`] = `${root}/p${i}`;
    }
    const { ssm: counted } = awsClients();
    const calls = countCalls(counted);
    const config = track(
      createConfig({
        schema: z.record(z.string(), z.string()),
        sources: [ssmSource({ client: counted, parameters })],
      }),
    );
    const value = await config.load();
    expect(Object.keys(value)).toHaveLength(100);
    expect(value.p10).toBe("v10");
    expect(calls.get("GetParametersCommand")).toBe(10);
    expect(totalCalls(calls)).toBe(10);
  });
});

describeMoto("mapping", () => {
  const { ssm } = awsClients();

  it("camel-cases segments with keyCase camel", async () => {
    const root = uniquePath("camel");
    await putParameter(ssm, `${root}/db/max-conn`, "10");
    await putParameter(ssm, `${root}/feature_flags/new_ui`, "true");
    const config = track(
      createConfig({
        schema: z.object({
          db: z.object({ maxConn: z.coerce.number() }),
          featureFlags: z.object({ newUi: z.stringbool() }),
        }),
        sources: [ssmSource({ client: ssm, path: root, keyCase: "camel" })],
      }),
    );
    expect(await config.load()).toEqual({ db: { maxConn: 10 }, featureFlags: { newUi: true } });
  });

  it("keeps a name segment with a dot as one key with keyCase preserve", async () => {
    const root = uniquePath("dotted");
    await putParameter(ssm, `${root}/db/max.conn`, "10");
    await putParameter(ssm, `${root}/db/host`, "h");
    const config = track(
      createConfig({
        schema: z.object({ db: z.object({ "max.conn": z.coerce.number(), host: z.string() }) }),
        sources: [ssmSource({ client: ssm, path: root })],
      }),
    );
    expect(await config.load()).toEqual({ db: { "max.conn": 10, host: "h" } });
    expect(Object.keys(config.versions()).sort()).toEqual(["db.host", "db.max.conn"]);
  });

  it("rejects two names that map to one key, naming both", async () => {
    const root = uniquePath("dup");
    await putParameter(ssm, `${root}/max-conn`, "1");
    await putParameter(ssm, `${root}/max_conn`, "2");
    const config = track(
      createConfig({
        schema: z.object({}).passthrough(),
        sources: [ssmSource({ client: ssm, path: root, keyCase: "camel" })],
      }),
    );
    const error = await config.load().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigLoadError);
    expect((error as Error).message).toContain(`${root}/max-conn`);
    expect((error as Error).message).toContain(`${root}/max_conn`);
  });

  it("rejects a name that is both a value and a parent, naming both", async () => {
    const root = uniquePath("parent");
    await putParameter(ssm, `${root}/db`, "x");
    await putParameter(ssm, `${root}/db/host`, "y");
    const config = track(
      createConfig({
        schema: z.object({}).passthrough(),
        sources: [ssmSource({ client: ssm, path: root })],
      }),
    );
    const error = await config.load().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigLoadError);
    expect((error as Error).message).toContain(`${root}/db"`);
    expect((error as Error).message).toContain(`${root}/db/host`);
  });

  it("keeps __proto__, constructor and prototype segments away from Object.prototype", async () => {
    const root = uniquePath("proto");
    await putParameter(ssm, `${root}/__proto__/polluted`, "yes");
    await putParameter(ssm, `${root}/constructor/prototype/polluted`, "yes");
    const config = track(
      createConfig({
        schema: z.record(z.string(), z.unknown()),
        sources: [ssmSource({ client: ssm, path: root })],
      }),
    );
    await config.load();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty("polluted");
  });

  it("reads every page of a 1,000-parameter path with the minimum number of calls", async () => {
    const root = uniquePath("big");
    await Promise.all(
      Array.from({ length: 10 }, async (_, worker) => {
        for (let i = worker; i < 1000; i += 10)
          await putParameter(ssm, `${root}/group${i % 7}/p${i}`, `v${i}`);
      }),
    );
    const { ssm: counted } = awsClients();
    const calls = countCalls(counted);
    const config = track(
      createConfig({
        schema: z.record(z.string(), z.record(z.string(), z.string())),
        sources: [ssmSource({ client: counted, path: root })],
      }),
    );
    const value = await config.load();
    expect(Object.values(value).reduce((n, group) => n + Object.keys(group).length, 0)).toBe(1000);
    // ceil(1000 / 10) pages; moto also hands out a NextToken after a full last page, which costs
    // one empty page that AWS itself does not return.
    expect(calls.get("GetParametersByPathCommand")).toBe(100 + 1);
  });
});

describeMoto("validation errors", () => {
  const { ssm } = awsClients();

  it("aggregates every failing key with its parameter and never echoes a secret", async () => {
    const root = uniquePath("bad");
    await putParameter(ssm, `${root}/port`, "not-a-number");
    await putParameter(ssm, `${root}/password`, "canary-secret-999", "SecureString");
    const config = track(
      createConfig({
        schema: z.object({
          port: z.coerce.number().int(),
          password: z.string().refine((v) => v.length > 100, {
            error: (issue) => `bad password ${String(issue.input)}`,
          }),
        }),
        sources: [ssmSource({ client: ssm, path: root })],
      }),
    );
    const error = (await config.load().catch((e: unknown) => e)) as ConfigValidationError;
    expect(error).toBeInstanceOf(ConfigValidationError);
    expect(error.name).toBe("ConfigValidationError");
    expect(error.issues.map((i) => [i.key, i.parameter])).toEqual([
      ["port", `${root}/port`],
      ["password", `${root}/password`],
    ]);
    expect(error.message.split("\n").length).toBe(3);
    expect(JSON.stringify(error.issues)).not.toContain("canary-secret-999");
    expect(error.message).not.toContain("canary-secret-999");
    expect(String(error.stack)).not.toContain("canary-secret-999");
  });
});
