import { describe, expect, it } from "vitest";
import { getParameter, listParameters } from "../../../src/cli/parameter-listing.js";
import { SensitiveString } from "../../../src/sensitive.js";
import {
  decodeParameter,
  PathEntry,
  parseSourceResult,
  toEntry,
} from "../../../src/sources/ssm/decode.js";
import { type FetchRequest, RequestTargets, toMissing } from "../../../src/sources/ssm/targets.js";
import { FakeParameterStore, FakeSsmClient } from "../../support/fake-ssm.js";

const modified = new Date("2026-01-02T03:04:05.678Z");

function request(key: string, raw: string, origin: "path" | "binding" = "path"): FetchRequest {
  return { key, segments: key.split("."), name: { raw, base: raw }, origin };
}

describe("decodeParameter", () => {
  it("keeps a String as a string, with its version and modification time", () => {
    // Act
    const decoded = decodeParameter(
      { Name: "/a", Type: "String", Value: "x,y", Version: 3, LastModifiedDate: modified },
      false,
    );

    // Assess
    expect(decoded).toEqual({
      type: "String",
      value: "x,y",
      version: 3,
      lastModified: modified,
      sensitive: false,
      dueAt: undefined,
    });
  });

  it("splits a StringList on commas into one frozen array", () => {
    // Act
    const decoded = decodeParameter({ Type: "StringList", Value: "a,b,,c", Version: 1 }, false);

    // Assess
    expect(decoded.value).toEqual(["a", "b", "", "c"]);
    expect(Object.isFrozen(decoded.value)).toBe(true);
  });

  it("wraps a SecureString so that it cannot be printed", () => {
    // Act
    const decoded = decodeParameter({ Type: "SecureString", Value: "hunter2", Version: 1 }, false);

    // Assess
    expect(decoded.sensitive).toBe(true);
    expect(decoded.value).toBeInstanceOf(SensitiveString);
    expect(String(decoded.value)).not.toContain("hunter2");
  });

  it("reads a secret reference's version and rotation from SourceResult, never its value", () => {
    // Prepare
    const sourceResult = JSON.stringify({
      VersionId: "abc",
      NextRotationDate: "2026-03-01T00:00:00Z",
      SecretString: "leak",
    });

    // Act
    const decoded = decodeParameter(
      { Type: "SecureString", Value: "s3cret", Version: 0, SourceResult: sourceResult },
      true,
    );

    // Assess
    expect(decoded.type).toBe("Secret");
    expect(decoded.version).toBe("abc");
    expect(decoded.dueAt).toEqual(new Date("2026-03-01T00:00:00Z"));
    expect((decoded.value as SensitiveString).reveal()).toBe("s3cret");
  });

  it("takes an Expiration policy's time as the time the value changes", () => {
    // Prepare
    const policy = JSON.stringify({
      Type: "Expiration",
      Version: "1.0",
      Attributes: { Timestamp: "2026-05-01T00:00:00.000Z" },
    });

    // Act
    const decoded = decodeParameter(
      { Type: "String", Value: "v", Version: 1, Policies: [{ PolicyText: policy }] },
      false,
    );

    // Assess
    expect(decoded.dueAt).toEqual(new Date("2026-05-01T00:00:00.000Z"));
  });

  it("reads an answer without a type as a String", () => {
    // Act
    const decoded = decodeParameter({ Value: "v" }, false);

    // Assess
    expect(decoded).toMatchObject({ type: "String", value: "v", version: 0, sensitive: false });
  });
});

describe("toEntry", () => {
  it("builds every entry with the same properties in the same order", () => {
    // Prepare
    const answers = [
      { Type: "String", Value: "v", Version: 1, LastModifiedDate: modified },
      { Type: "StringList", Value: "a,b", Version: 2 },
      { Type: "SecureString", Value: "s", Version: 3 },
      { Type: "SecureString", Value: "s", SourceResult: '{"VersionId":"x"}' },
    ];

    // Act
    const shapes = answers.map((answer, index) =>
      Object.keys(toEntry(decodeParameter(answer, false), request(`k${index}`, `/p/k${index}`))),
    );

    // Assess
    const expected = ["key", "parameter", "value", "version", "type", "sensitive", "lastModified"];
    for (const shape of shapes) expect(shape).toEqual(expected);
  });
});

describe("an entry's segments", () => {
  const answer = { Type: "String", Value: "v", Version: 1 };
  const dotted: FetchRequest = {
    key: "db.max.conn",
    segments: ["db", "max.conn"],
    name: { raw: "/app/db/max.conn", base: "/app/db/max.conn" },
    origin: "path",
  };

  it("are left out (no own property at all) when they are the key split at its dots", () => {
    // Act
    const entry = toEntry(decodeParameter(answer, false), request("db.host", "/app/db/host"));
    const missing = toMissing(request("db.port", "/shared/port", "binding"));

    // Assess
    expect(Object.hasOwn(entry, "segments")).toBe(false);
    expect(Object.hasOwn(missing, "segments")).toBe(false);
  });

  it("are kept when a segment holds a dot", () => {
    // Act
    const entry = toEntry(decodeParameter(answer, false), dotted);
    const missing = toMissing({ ...dotted, origin: "binding" });

    // Assess
    expect(entry.segments).toEqual(["db", "max.conn"]);
    expect(missing.segments).toEqual(["db", "max.conn"]);
  });
});

describe("the CLI's listing uses the library's decoder", () => {
  const store = new FakeParameterStore(() => modified.getTime());
  store.put("/cli/list", "a,b", "StringList");
  store.put("/cli/secret", "pw", "SecureString");
  store.putSecret("prod/token", "tok");
  const client = new FakeSsmClient(store);

  it("lists a StringList with the decoder's type and version, its value as stored", async () => {
    // Act
    const [listed] = await listParameters(client as never, "/cli", { decrypt: true });
    const decoded = decodeParameter({ Type: "StringList", Value: "a,b", Version: 1 }, false);

    // Assess
    expect(listed).toMatchObject({ name: "/cli/list", type: decoded.type, version: 1 });
    expect(listed?.value).toBe((decoded.value as string[]).join(","));
    expect(listed?.lastModified).toEqual(modified);
  });

  it("reports a secret reference as a sensitive Secret with the secret's version", async () => {
    // Act
    const listed = await getParameter(client as never, "/aws/reference/secretsmanager/prod/token", {
      decrypt: false,
    });

    // Assess
    expect(listed.type).toBe("Secret");
    expect(listed.sensitive).toBe(true);
    expect(listed.version).toBe(store.secret("prod/token")?.versionId);
    expect(listed.value).toBeInstanceOf(SensitiveString);
  });
});

describe("parseSourceResult", () => {
  it("reads VersionId", () => {
    // Act
    const result = parseSourceResult(JSON.stringify({ VersionId: "v-1", Name: "prod/stripe" }));

    // Assess
    expect(result).toEqual({ versionId: "v-1" });
  });

  it("reads versionId in camel case", () => {
    // Act
    const result = parseSourceResult(JSON.stringify({ versionId: "v-2" }));

    // Assess
    expect(result).toEqual({ versionId: "v-2" });
  });

  it("falls back to the version staged AWSCURRENT", () => {
    // Prepare
    const sourceResult = JSON.stringify({
      VersionIdsToStages: { "v-old": ["AWSPREVIOUS"], "v-new": ["AWSCURRENT", "stable"] },
    });

    // Act
    const result = parseSourceResult(sourceResult);

    // Assess
    expect(result).toEqual({ versionId: "v-new" });
  });

  it.each([
    ["an ISO string", "2024-06-01T00:00:00Z"],
    ["epoch seconds", 1717200000],
    ["epoch milliseconds", 1717200000000],
  ])("reads NextRotationDate given as %s", (_, nextRotationDate) => {
    // Act
    const result = parseSourceResult(
      JSON.stringify({ VersionId: "v-1", NextRotationDate: nextRotationDate }),
    );

    // Assess
    expect(result.nextRotation?.toISOString()).toBe("2024-06-01T00:00:00.000Z");
  });

  it("never returns the secret value the JSON may hold", () => {
    // Act
    const result = parseSourceResult(
      JSON.stringify({ VersionId: "v-1", SecretString: "hunter22" }),
    );

    // Assess
    expect(JSON.stringify(result)).not.toContain("hunter22");
  });

  it.each([
    ["undefined", undefined],
    ["an empty string", ""],
    ["invalid JSON", "{"],
    ["JSON that is not an object", "42"],
  ])("returns nothing for %s", (_, sourceResult) => {
    // Act
    const result = parseSourceResult(sourceResult);

    // Assess
    expect(result).toEqual({});
  });
});

describe("PathEntry: an entry that derives its name from its path and key", () => {
  const request = (name: string) => new RequestTargets("/app", "preserve", []).pathRequest(name);

  it("gives the name and sensitivity it does not hold", () => {
    const secure = toEntry(
      decodeParameter(
        { Name: "/app/db/pass", Type: "SecureString", Value: "s3cret", Version: 2 },
        false,
      ),
      request("/app/db/pass") as FetchRequest,
    );
    const plain = toEntry(
      decodeParameter({ Name: "/app/db/host", Type: "String", Value: "h", Version: 1 }, false),
      request("/app/db/host") as FetchRequest,
    );
    expect(secure).toBeInstanceOf(PathEntry);
    expect([secure.parameter, secure.sensitive, secure.key]).toEqual([
      "/app/db/pass",
      true,
      "db.pass",
    ]);
    expect([plain.parameter, plain.sensitive]).toEqual(["/app/db/host", false]);
    expect(Object.hasOwn(plain, "parameter")).toBe(false);
  });

  it("is not used for a name the key alone cannot give back (a dotted segment)", () => {
    const entry = toEntry(
      decodeParameter({ Name: "/app/a.b/c", Type: "String", Value: "v", Version: 1 }, false),
      request("/app/a.b/c") as FetchRequest,
    );
    expect(entry).not.toBeInstanceOf(PathEntry);
    expect(entry.parameter).toBe("/app/a.b/c");
  });
});
