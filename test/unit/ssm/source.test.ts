import { describe, expect, it } from "vitest";
import { describeSecretVersions } from "../../../src/sources/secrets-manager/describe-secret-versions.js";
import { ssmSource } from "../../../src/sources/ssm/index.js";
import { awsError, FakeParameterStore, FakeSsmClient } from "../../support/fake-ssm.js";
import { changeEvent, loadedConfig, steppedStore } from "./support.js";

describe("ssmSource load and refresh over the fake", () => {
  it("loads a path and bindings, a binding winning over the path's key", async () => {
    // Prepare
    const store = new FakeParameterStore();
    store.put("/app/db/host", "h");
    store.put("/app/db/port", "1");
    store.put("/app/origins", "a,b", "StringList");
    store.put("/shared/port", "2");

    // Act
    const { config } = await loadedConfig(store, {
      path: "/app",
      parameters: { "db.port": "/shared/port", absent: "/shared/none" },
    });

    // Assess
    expect(config.current).toEqual({ db: { host: "h", port: "2" }, origins: ["a", "b"] });
    expect(config.versions().absent).toBeUndefined();
  });

  it("refreshes with listings only when nothing changed", async () => {
    // Prepare
    const store = new FakeParameterStore();
    for (let i = 0; i < 25; i++) store.put(`/app/p${i}`, String(i), "SecureString");
    const { config, client } = await loadedConfig(store, { path: "/app" });

    // Act
    const changes = await config.refresh();

    // Assess
    expect(changes).toEqual([]);
    expect(client.requests.map((r) => r.command)).toEqual(["DescribeParametersCommand"]);
  });

  it("re-reads only what changed, and drops what vanished", async () => {
    // Prepare
    const { store } = steppedStore();
    store.put("/app/a", "1");
    store.put("/app/b", "1");
    const { config, client } = await loadedConfig(store, { path: "/app" });
    store.put("/app/a", "2");
    store.delete("/app/b");

    // Act
    const changes = await config.refresh();

    // Assess
    expect(changes.map((c) => `${c.kind} ${c.key}`).sort()).toEqual(["removed b", "updated a"]);
    expect(client.count("GetParametersCommand")).toBe(1);
    expect(client.requests.find((r) => r.command === "GetParametersCommand")?.input.Names).toEqual([
      "/app/a",
    ]);
  });

  it("sees a delete and re-create with the same version by its modification time", async () => {
    // Prepare
    const { store } = steppedStore();
    store.put("/app/a", "old");
    const { config } = await loadedConfig(store, { path: "/app" });
    store.delete("/app/a");
    store.put("/app/a", "new");

    // Act
    await config.refresh();

    // Assess
    expect(config.current).toEqual({ a: "new" });
  });

  it("checks secret references through secretVersions and re-reads only a changed one", async () => {
    // Prepare
    const store = new FakeParameterStore();
    store.putSecret("prod/a", "one");
    const described: string[] = [];
    const lookup = {
      currentVersion: async (id: string) => {
        described.push(id);
        const secret = store.secret(id);
        return secret && { versionId: secret.versionId };
      },
    };
    const { config, client } = await loadedConfig(store, {
      parameters: { token: "/aws/reference/secretsmanager/prod/a" },
      secretVersions: lookup,
    });

    // Act
    const unchanged = await config.refresh();
    store.putSecret("prod/a", "two");
    const changed = await config.refresh();

    // Assess
    expect(unchanged).toEqual([]);
    expect(changed.map((c) => c.kind)).toEqual(["updated"]);
    expect(described).toEqual(["prod/a", "prod/a"]);
    expect(client.count("GetParametersCommand")).toBe(1);
    expect(config.current.token).toBe("two");
  });

  it("describeSecretVersions reads DescribeSecret's AWSCURRENT version, and undefined when gone", async () => {
    // Prepare
    const sent: string[] = [];
    const client = {
      async send(command: unknown) {
        const input = (command as { input: { SecretId: string } }).input;
        sent.push(`${(command as object).constructor.name} ${input.SecretId}`);
        if (input.SecretId === "gone") throw awsError("ResourceNotFoundException");
        return { VersionIdsToStages: { v1: ["AWSPREVIOUS"], v2: ["AWSCURRENT"] } };
      },
    };
    const lookup = describeSecretVersions(client);
    const signal = new AbortController().signal;

    // Act
    const found = await lookup.currentVersion("prod/a", signal);
    const gone = await lookup.currentVersion("gone", signal);

    // Assess
    expect(found?.versionId).toBe("v2");
    expect(gone).toBeUndefined();
    expect(sent).toEqual(["DescribeSecretCommand prod/a", "DescribeSecretCommand gone"]);
  });
});

describe("a name segment with a dot (keyCase preserve)", () => {
  it("stays one key segment: only its entry holds segments, and the tree nests by them", async () => {
    // Prepare
    const store = new FakeParameterStore();
    store.put("/app/db/max.conn", "10");
    store.put("/app/db/host", "h");
    const source = ssmSource({ client: new FakeSsmClient(store), path: "/app" });

    // Act
    const state = await source.load({ signal: new AbortController().signal });
    const { config } = await loadedConfig(store, { path: "/app" });

    // Assess
    expect(state.entries.get("db.max.conn")?.segments).toEqual(["db", "max.conn"]);
    expect(Object.hasOwn(state.entries.get("db.host") ?? {}, "segments")).toBe(false);
    expect(config.current).toEqual({ db: { "max.conn": "10", host: "h" } });
  });

  it("keeps the segment whole when its value changes", async () => {
    // Prepare
    const { store } = steppedStore();
    store.put("/app/db/max.conn", "10");
    store.put("/app/db/host", "h");
    const { config } = await loadedConfig(store, { path: "/app" });
    store.put("/app/db/max.conn", "20");

    // Act
    const changes = await config.refresh();

    // Assess
    expect(changes.map((change) => change.key)).toEqual(["db.max.conn"]);
    expect(config.current).toEqual({ db: { "max.conn": "20", host: "h" } });
  });
});

describe("a removal matches the held parameter name, not just its key", () => {
  it('keeps maxConn when a colliding "max_conn" is created (refused) and deleted', async () => {
    // Prepare
    const { store, now } = steppedStore();
    store.put("/app/prod/max-conn", "10");
    const { config, client } = await loadedConfig(store, { path: "/app/prod", keyCase: "camel" });
    const errors: unknown[] = [];
    config.on("error", (error) => errors.push(error));
    store.put("/app/prod/max_conn", "99");
    await expect(
      config.handleEvent(changeEvent("/app/prod/max_conn", "Create", now())),
    ).rejects.toThrow(/both map to key "maxConn"/);
    store.delete("/app/prod/max_conn");

    // Act
    const changes = await config.handleEvent(
      changeEvent("/app/prod/max_conn", "Delete", now() + 5000),
    );

    // Assess
    expect(changes).toEqual([]);
    expect(config.current).toEqual({ maxConn: "10" });
    expect(client.count()).toBe(0);
  });

  it.each(["/app/prod//db/port", "/app/prod/db/port/", "/app/prod/db//port"])(
    "keeps db.port when %s is deleted",
    async (odd) => {
      // Prepare
      const { store, now } = steppedStore();
      store.put("/app/prod/db/port", "5432");
      const { config, client } = await loadedConfig(store, { path: "/app/prod" });

      // Act
      const changes = await config.handleEvent(changeEvent(odd, "Delete", now() + 5000));

      // Assess
      expect(changes).toEqual([]);
      expect(config.current).toEqual({ db: { port: "5432" } });
      expect(client.count()).toBe(0);
    },
  );

  it("removes the held parameter when its own name is deleted", async () => {
    // Prepare
    const { store, now } = steppedStore();
    store.put("/app/prod/max-conn", "10");
    const { config, client } = await loadedConfig(store, { path: "/app/prod", keyCase: "camel" });
    store.delete("/app/prod/max-conn");

    // Act
    const changes = await config.handleEvent(
      changeEvent("/app/prod/max-conn", "Delete", now() + 5000),
    );

    // Assess
    expect(changes.map((c) => `${c.kind} ${c.key}`)).toEqual(["removed maxConn"]);
    expect(client.count()).toBe(0);
  });
});

describe("a Delete that arrives out of order", () => {
  it("keeps a replacement whose Create arrived before the Delete", async () => {
    // Prepare
    const { store, now } = steppedStore();
    store.put("/app/a", "old");
    const { config, client } = await loadedConfig(store, { path: "/app" });
    store.delete("/app/a");
    const deletedAt = now();
    store.put("/app/a", "new");
    await config.handleEvent(changeEvent("/app/a", "Create", now()));

    // Act
    const changes = await config.handleEvent(changeEvent("/app/a", "Delete", deletedAt));

    // Assess
    expect(changes).toEqual([]);
    expect(config.current).toEqual({ a: "new" });
    const confirm = client.requests.at(-1);
    expect(confirm?.command).toBe("GetParametersCommand");
    expect(confirm?.input.WithDecryption).toBe(false);
  });

  it("confirms a Delete without a time, and removes the value only when it is gone", async () => {
    // Prepare
    const { store } = steppedStore();
    store.put("/app/a", "1");
    store.put("/app/b", "1");
    const { config, client } = await loadedConfig(store, { path: "/app" });
    store.delete("/app/b");

    // Act
    const stale = await config.handleEvent(changeEvent("/app/a", "Delete"));
    const real = await config.handleEvent(changeEvent("/app/b", "Delete"));

    // Assess
    expect(stale).toEqual([]);
    expect(real.map((c) => `${c.kind} ${c.key}`)).toEqual(["removed b"]);
    expect(client.count("GetParametersCommand")).toBe(2);
    expect(client.requests.every((r) => r.input.WithDecryption === false)).toBe(true);
  });

  it("re-reads a parameter that a stale Delete finds at a newer revision", async () => {
    // Prepare
    const { store, now } = steppedStore();
    store.put("/app/a", "1");
    const { config } = await loadedConfig(store, { path: "/app" });
    const heldAt = now();
    store.delete("/app/a");
    store.put("/app/a", "2");

    // Act: the Delete's second is the held write's, so its time cannot tell the order.
    const changes = await config.handleEvent(changeEvent("/app/a", "Delete", heldAt));

    // Assess
    expect(changes.map((c) => `${c.kind} ${c.key}`)).toEqual(["updated a"]);
    expect(config.current).toEqual({ a: "2" });
  });

  it("keeps a bound parameter that a stale Delete names", async () => {
    // Prepare
    const { store } = steppedStore();
    store.put("/shared/port", "1");
    const { config } = await loadedConfig(store, { parameters: { port: "/shared/port" } });

    // Act
    const changes = await config.handleEvent(changeEvent("/shared/port", "Delete"));

    // Assess
    expect(changes).toEqual([]);
    expect(config.current).toEqual({ port: "1" });
  });
});
