import { CreateSecretCommand, PutSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { DeleteParameterCommand, LabelParameterVersionCommand } from "@aws-sdk/client-ssm";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  type Change,
  type ChangeEvent,
  ConfigValidationError,
  createConfig,
  ssmSource,
} from "../../src/index.js";
import { describeSecretVersions } from "../../src/sources/secrets-manager/describe-secret-versions.js";
import {
  awsClients,
  countCalls,
  describeMoto,
  putParameter,
  totalCalls,
  uniquePath,
} from "../support/aws.js";
import { parameterChangeEvent } from "../support/events.js";
import { breakableClient, closeAfterEach } from "../support/loaders.js";

const track = closeAfterEach();

/** Commands that decrypt or read a value (as opposed to listing versions). */
const VALUE_READS = [
  "GetParametersCommand",
  "GetParameterCommand",
  "GetParametersByPathCommand",
  "GetSecretValueCommand",
];

describeMoto("refresh with version tracking, 1,000 parameters", () => {
  const { ssm } = awsClients();
  const root = uniquePath("thousand");
  const N = 1000;

  beforeAll(async () => {
    await Promise.all(
      Array.from({ length: 10 }, async (_, worker) => {
        for (let i = worker; i < N; i += 10) {
          await putParameter(
            ssm,
            `${root}/g${i % 10}/p${i}`,
            `v${i}`,
            i % 5 === 0 ? "SecureString" : "String",
          );
        }
      }),
    );
  }, 120_000);

  async function loaded() {
    const { ssm: counted } = awsClients();
    const calls = countCalls(counted);
    const config = track(
      createConfig({
        schema: z.record(z.string(), z.record(z.string(), z.string())),
        sources: [ssmSource({ client: counted, path: root })],
      }),
    );
    await config.load();
    calls.clear();
    return { config, calls };
  }

  it("makes no value-reading call, emits nothing and keeps the same object when nothing changed", async () => {
    const { config, calls } = await loaded();
    const before = config.current;
    const events: unknown[] = [];
    config.on("change", (event) => events.push(event));

    const changes = await config.refresh();

    expect(changes).toEqual([]);
    expect(events).toEqual([]);
    expect(config.current).toBe(before);
    expect(config.revision).toBe(1);
    for (const command of VALUE_READS) expect(calls.get(command) ?? 0).toBe(0);
    // ceil(1000 / 50) DescribeParameters pages on AWS; moto pages by 10 and adds one empty page.
    expect(calls.get("DescribeParametersCommand")).toBe(N / 10 + 1);
    expect(totalCalls(calls)).toBe(N / 10 + 1);
  });

  it("fetches only the one value that changed, in one GetParameters call", async () => {
    const { config, calls } = await loaded();
    const events: ChangeEvent<unknown>[] = [];
    config.on("change", (event) => events.push(event));
    const version = await putParameter(ssm, `${root}/g3/p3`, "changed");

    const changes = await config.refresh();

    expect(changes).toEqual([
      {
        key: "g3.p3",
        parameter: `${root}/g3/p3`,
        kind: "updated",
        previousVersion: version - 1,
        version,
      },
    ]);
    expect(calls.get("GetParametersCommand")).toBe(1);
    expect(calls.get("GetParametersByPathCommand") ?? 0).toBe(0);
    expect(events).toHaveLength(1);
    expect(events[0]?.revision).toBe(2);
    expect((config.current as Record<string, Record<string, string>>).g3?.p3).toBe("changed");
  });
});

describeMoto("refresh of additions, removals, bindings and labels", () => {
  const { ssm } = awsClients();

  it("announces a new name under the path as added and a deleted one as removed", async () => {
    const root = uniquePath("addrm");
    await putParameter(ssm, `${root}/a`, "1");
    await putParameter(ssm, `${root}/b`, "2");
    const config = track(
      createConfig({
        schema: z.record(z.string(), z.string()),
        sources: [ssmSource({ client: ssm, path: root })],
      }),
    );
    await config.load();
    await putParameter(ssm, `${root}/c`, "3");
    await ssm.send(new DeleteParameterCommand({ Name: `${root}/a` }));

    const changes = await config.refresh();

    expect(changes).toEqual([
      { key: "a", parameter: `${root}/a`, kind: "removed", previousVersion: 1 },
      { key: "c", parameter: `${root}/c`, kind: "added", version: 1 },
    ]);
    expect(config.current).toEqual({ b: "2", c: "3" });
  });

  it("follows a label that moves to another version", async () => {
    const root = uniquePath("label");
    await putParameter(ssm, `${root}/port`, "1000");
    await putParameter(ssm, `${root}/port`, "2000");
    await ssm.send(
      new LabelParameterVersionCommand({
        Name: `${root}/port`,
        ParameterVersion: 1,
        Labels: ["stable"],
      }),
    );
    const config = track(
      createConfig({
        schema: z.object({ port: z.coerce.number() }),
        sources: [ssmSource({ client: ssm, parameters: { port: `${root}/port:stable` } })],
      }),
    );
    await config.load();
    await ssm.send(
      new LabelParameterVersionCommand({
        Name: `${root}/port`,
        ParameterVersion: 2,
        Labels: ["stable"],
      }),
    );

    const changes = await config.refresh();

    expect(changes).toEqual([
      {
        key: "port",
        parameter: `${root}/port:stable`,
        kind: "updated",
        previousVersion: 1,
        version: 2,
      },
    ]);
    expect(config.current.port).toBe(2000);
  });

  it("picks up a bound parameter that is created after the first load", async () => {
    const root = uniquePath("late");
    const config = track(
      createConfig({
        schema: z.object({ flag: z.string().optional() }),
        sources: [ssmSource({ client: ssm, parameters: { flag: `${root}/flag` } })],
      }),
    );
    expect(await config.load()).toEqual({});
    await putParameter(ssm, `${root}/flag`, "on");

    const changes = await config.refresh();

    expect(changes).toEqual([
      { key: "flag", parameter: `${root}/flag`, kind: "added", version: 1 },
    ]);
    expect(config.current.flag).toBe("on");
  });

  it("checks a secret reference with DescribeSecret when given describeSecretVersions", async () => {
    const { secrets } = awsClients();
    const name = `${uniquePath("ref").slice(1)}/token`;
    await secrets.send(new CreateSecretCommand({ Name: name, SecretString: "one" }));
    const { ssm: countedSsm, secrets: countedSecrets } = awsClients();
    const ssmCalls = countCalls(countedSsm);
    const secretCalls = countCalls(countedSecrets);
    const config = track(
      createConfig({
        schema: z.object({ token: z.string() }),
        sources: [
          ssmSource({
            client: countedSsm,
            secretVersions: describeSecretVersions(countedSecrets),
            parameters: { token: `/aws/reference/secretsmanager/${name}` },
          }),
        ],
      }),
    );
    await config.load();
    ssmCalls.clear();

    expect(await config.refresh()).toEqual([]);
    expect(totalCalls(ssmCalls)).toBe(0);
    expect(secretCalls.get("DescribeSecretCommand")).toBe(1);

    await secrets.send(new PutSecretValueCommand({ SecretId: name, SecretString: "two" }));
    const changes = await config.refresh();
    expect(changes.map((change) => change.kind)).toEqual(["updated"]);
    expect(ssmCalls.get("GetParametersCommand")).toBe(1);
    expect(config.current.token).toBe("two");
  });
});

describeMoto("last-known-good", () => {
  const { ssm } = awsClients();

  it("keeps the good snapshot when new values fail the schema, then applies a fix", async () => {
    const root = uniquePath("lkg");
    await putParameter(ssm, `${root}/port`, "5432");
    const config = track(
      createConfig({
        schema: z.object({ port: z.coerce.number().int() }),
        sources: [ssmSource({ client: ssm, path: root })],
      }),
    );
    const good = await config.load();
    const errors: Error[] = [];
    const changes: Change[][] = [];
    config.on("error", (error) => errors.push(error));
    config.on("change", (event) => changes.push(event.changes));
    await putParameter(ssm, `${root}/port`, "not-a-port");

    await expect(config.refresh()).rejects.toBeInstanceOf(ConfigValidationError);

    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(ConfigValidationError);
    expect(config.current).toBe(good);
    expect(config.revision).toBe(1);
    expect(changes).toEqual([]);

    await putParameter(ssm, `${root}/port`, "6543");
    await config.refresh();
    expect(config.current.port).toBe(6543);
    expect(config.revision).toBe(2);
    expect(changes).toHaveLength(1);
  });

  it("keeps the good snapshot when the backend fails, and reports a ConfigLoadError", async () => {
    const root = uniquePath("down");
    await putParameter(ssm, `${root}/a`, "1");
    const flaky = breakableClient(ssm, () =>
      Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" }),
    );
    const config = track(
      createConfig({
        schema: z.record(z.string(), z.string()),
        sources: [ssmSource({ client: flaky, path: root })],
      }),
    );
    const good = await config.load();
    const errors: Error[] = [];
    config.on("error", (error) => errors.push(error));
    flaky.broken = true;

    const failure = await config.refresh().catch((error: unknown) => error);

    expect(failure).toMatchObject({ name: "ConfigLoadError", parameter: root });
    expect((failure as Error).message).toMatch(/throttl/i);
    expect(errors).toEqual([failure]);
    expect(config.current).toBe(good);
  });
});

describe("coalescing", () => {
  describeMoto("on moto", () => {
    const { ssm } = awsClients();

    it("serves concurrent refresh() calls with at most two fetches", async () => {
      const root = uniquePath("coalesce");
      await putParameter(ssm, `${root}/a`, "1");
      const { ssm: counted } = awsClients();
      const calls = countCalls(counted);
      const config = track(
        createConfig({
          schema: z.record(z.string(), z.string()),
          sources: [ssmSource({ client: counted, path: root })],
        }),
      );
      await config.load();
      calls.clear();

      const results = await Promise.all(Array.from({ length: 20 }, () => config.refresh()));

      expect(results.every((changes) => changes.length === 0)).toBe(true);
      expect(calls.get("DescribeParametersCommand")).toBe(2);
    });

    it("loses no update that lands while a refresh is in flight", async () => {
      const root = uniquePath("inflight");
      await putParameter(ssm, `${root}/a`, "1");
      const config = track(
        createConfig({
          schema: z.record(z.string(), z.string()),
          sources: [ssmSource({ client: ssm, path: root })],
        }),
      );
      await config.load();

      const first = config.refresh();
      await putParameter(ssm, `${root}/a`, "2");
      const second = config.refresh();
      await Promise.all([first, second]);

      expect(config.current.a).toBe("2");
    });
  });
});

describeMoto("revisions that a version alone would hide", () => {
  const { ssm } = awsClients();

  it("picks up a parameter deleted and created again (its version restarts at 1)", async () => {
    const root = uniquePath("recreate");
    await putParameter(ssm, `${root}/a`, "old");
    const config = track(
      createConfig({
        schema: z.record(z.string(), z.string()),
        sources: [ssmSource({ client: ssm, path: root })],
      }),
    );
    await config.load();
    await ssm.send(new DeleteParameterCommand({ Name: `${root}/a` }));
    await putParameter(ssm, `${root}/a`, "new");

    const changes = await config.refresh();

    expect(changes).toEqual([
      { key: "a", parameter: `${root}/a`, kind: "updated", previousVersion: 1, version: 1 },
    ]);
    expect(config.current.a).toBe("new");
  });

  it("rejects a refresh in which two names come to map to one key, keeping the snapshot", async () => {
    const root = uniquePath("collide");
    await putParameter(ssm, `${root}/max-conn`, "1");
    const config = track(
      createConfig({
        schema: z.record(z.string(), z.string()),
        sources: [ssmSource({ client: ssm, path: root, keyCase: "camel" })],
      }),
    );
    const good = await config.load();
    await putParameter(ssm, `${root}/max_conn`, "2");

    const error = await config.refresh().catch((e: unknown) => e);

    expect(error).toMatchObject({ name: "ConfigLoadError" });
    expect((error as Error).message).toContain(`${root}/max-conn`);
    expect((error as Error).message).toContain(`${root}/max_conn`);
    expect(config.current).toBe(good);
  });

  it("rejects an event for a name whose key another held name has, keeping the snapshot", async () => {
    const root = uniquePath("collide-event");
    await putParameter(ssm, `${root}/max-conn`, "1");
    const config = track(
      createConfig({
        schema: z.record(z.string(), z.string()),
        sources: [ssmSource({ client: ssm, path: root, keyCase: "camel" })],
      }),
    );
    const good = await config.load();
    await putParameter(ssm, `${root}/max_conn`, "2");

    const error = await config
      .handleEvent(parameterChangeEvent(`${root}/max_conn`, "Create"))
      .catch((e: unknown) => e);

    expect(error).toMatchObject({ name: "ConfigLoadError" });
    expect((error as Error).message).toContain(`${root}/max-conn`);
    expect(config.current).toBe(good);
  });
});
