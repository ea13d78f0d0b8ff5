import pLimit from "p-limit";
import { describe, expect, it } from "vitest";
import { isConfigLoadError } from "../../../src/errors/config-load-error.js";
import { parseParameterName } from "../../../src/mapping/parameter-names.js";
import { batchByName, SsmCalls } from "../../../src/sources/ssm/calls.js";
import type { FetchRequest } from "../../../src/sources/ssm/targets.js";
import { awsError, FakeParameterStore, FakeSsmClient } from "../../support/fake-ssm.js";

const context = { signal: new AbortController().signal };

function binding(key: string, name: string): FetchRequest {
  return { key, segments: [key], name: parseParameterName(name, key), origin: "binding" };
}

function callsOver(
  store: FakeParameterStore,
  options: ConstructorParameters<typeof FakeSsmClient>[1] = {},
) {
  const client = new FakeSsmClient(store, options);
  return { client, calls: new SsmCalls(() => client, pLimit(10)) };
}

describe("SsmCalls.readPath", () => {
  it("reads every page of 10, decrypted, recursively", async () => {
    // Prepare
    const store = new FakeParameterStore();
    for (let i = 0; i < 23; i++) store.put(`/app/g${i % 3}/p${i}`, String(i), "SecureString");
    const { client, calls } = callsOver(store);
    const seen: string[] = [];

    // Act
    await calls.readPath("/app", context, (parameter) => seen.push(parameter.Value ?? ""));

    // Assess
    expect(seen).toHaveLength(23);
    expect(client.count("GetParametersByPathCommand")).toBe(3);
    expect(client.requests.every((r) => r.input.WithDecryption === true && r.input.Recursive)).toBe(
      true,
    );
  });

  it("names the path in the error when a page fails", async () => {
    // Prepare
    const store = new FakeParameterStore();
    const { calls } = callsOver(store, { fail: () => awsError("AccessDeniedException", "no") });

    // Act
    const error = await calls.readPath("/app", context, () => {}).catch((e: unknown) => e);

    // Assess
    expect(isConfigLoadError(error) && error.parameter).toBe("/app");
    expect(isConfigLoadError(error) && error.reason).toBe("aws");
  });
});

describe("SsmCalls.fetch", () => {
  it("batches names by 10 and reports names that do not exist as missing", async () => {
    // Prepare
    const store = new FakeParameterStore();
    for (let i = 0; i < 15; i++) store.put(`/n/${i}`, String(i));
    const { client, calls } = callsOver(store);
    const requests = Array.from({ length: 17 }, (_, i) => binding(`k${i}`, `/n/${i}`));

    // Act
    const result = await calls.fetch(requests, context);

    // Assess
    expect(client.count("GetParametersCommand")).toBe(2);
    expect(result.found.map((entry) => entry.key)).toHaveLength(15);
    expect(result.missing.map((request) => request.key)).toEqual(["k15", "k16"]);
  });

  it("never puts two selectors of one name in one batch, and matches each answer", async () => {
    // Prepare
    const store = new FakeParameterStore();
    store.put("/p", "one");
    store.put("/p", "two");
    store.label("/p", 1, "stable");
    const { client, calls } = callsOver(store);

    // Act
    const result = await calls.fetch(
      [binding("latest", "/p"), binding("first", "/p:1"), binding("stable", "/p:stable")],
      context,
    );

    // Assess
    expect(client.count("GetParametersCommand")).toBe(3);
    const values = Object.fromEntries(result.found.map((e) => [e.key, e.value]));
    expect(values).toEqual({ latest: "two", first: "one", stable: "one" });
  });

  it("reads a batch one by one when a missing secret reference fails it", async () => {
    // Prepare
    const store = new FakeParameterStore();
    store.put("/plain", "p");
    store.putSecret("prod/here", "s");
    const { client, calls } = callsOver(store);

    // Act
    const result = await calls.fetch(
      [
        binding("plain", "/plain"),
        binding("here", "/aws/reference/secretsmanager/prod/here"),
        binding("gone", "/aws/reference/secretsmanager/prod/gone"),
      ],
      context,
    );

    // Assess
    expect(result.found.map((e) => e.key).sort()).toEqual(["here", "plain"]);
    expect(result.missing.map((r) => r.key)).toEqual(["gone"]);
    expect(client.count("GetParameterCommand")).toBe(3);
    expect(result.found.find((e) => e.key === "here")?.version).toBe(
      store.secret("prod/here")?.versionId,
    );
  });

  it("wraps a failure as a ConfigLoadError naming the first parameter of the batch", async () => {
    // Prepare
    const store = new FakeParameterStore();
    const { calls } = callsOver(store, { fail: () => awsError("InvalidKeyId", "bad key") });

    // Act
    const error = await calls.fetch([binding("a", "/a/b")], context).catch((e: unknown) => e);

    // Assess
    expect(isConfigLoadError(error) && error.parameter).toBe("/a/b");
    expect(String((error as Error).message)).toMatch(/KMS key/);
  });
});

describe("SsmCalls listings", () => {
  it("describes 50 names per call, with versions and modification times", async () => {
    // Prepare
    const store = new FakeParameterStore(() => 1_000);
    for (let i = 0; i < 60; i++) store.put(`/d/${i}`, String(i));
    const { client, calls } = callsOver(store);

    // Act
    const listing = await calls.describeNames(
      Array.from({ length: 60 }, (_, i) => `/d/${i}`),
      context,
    );

    // Assess
    expect(client.count("DescribeParametersCommand")).toBe(2);
    expect(listing.get("/d/7")).toEqual({
      version: 1,
      lastModified: 1_000,
      dueAt: undefined,
    });
  });

  it("reads revisions without decrypting, leaving out names that do not exist", async () => {
    // Prepare
    const store = new FakeParameterStore();
    store.put("/s", "secret", "SecureString");
    store.put("/s", "secret2", "SecureString");
    const { client, calls } = callsOver(store);

    // Act
    const revisions = await calls.revisions(
      [binding("s", "/s"), binding("gone", "/gone")],
      context,
    );

    // Assess
    expect([...revisions.keys()]).toEqual(["s"]);
    expect(revisions.get("s")?.version).toBe(2);
    expect(client.requests[0]?.input.WithDecryption).toBe(false);
  });
});

describe("batchByName", () => {
  it("fills batches of 10 in order and puts each repeat of a name in a later batch", () => {
    // Prepare
    const requests = [
      ...Array.from({ length: 12 }, (_, i) => binding(`a${i}`, `/n/${i}`)),
      binding("p1", "/p:1"),
      binding("p2", "/p:2"),
      binding("p3", "/p:3"),
      binding("latest", "/p"),
    ];

    // Act
    const batches = batchByName(requests).map((batch) => batch.map((r) => r.key));

    // Assess
    expect(batches).toEqual([
      ["a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "a9"],
      ["a10", "a11", "p1"],
      ["p2"],
      ["p3"],
      ["latest"],
    ]);
  });

  it("batches 10,000 distinct names in 1,000 full batches", () => {
    // Prepare
    const requests = Array.from({ length: 10_000 }, (_, i) => binding(`k${i}`, `/n/${i}`));

    // Act
    const batches = batchByName(requests);

    // Assess
    expect(batches).toHaveLength(1_000);
    expect(batches.every((batch) => batch.length === 10)).toBe(true);
  });
});
