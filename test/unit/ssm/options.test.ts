import { describe, expect, it } from "vitest";
import { type ConfigLoadError, isConfigLoadError } from "../../../src/errors/config-load-error.js";
import { MAX_CONCURRENCY, ssmSource } from "../../../src/sources/ssm/index.js";
import { FakeParameterStore, FakeSsmClient } from "../../support/fake-ssm.js";

/** The error `ssmSource(options)` throws, or a failure when it throws none. */
function optionsErrorOf(options: unknown): ConfigLoadError {
  try {
    ssmSource(options as never);
  } catch (error) {
    if (isConfigLoadError(error)) return error;
    throw error;
  }
  throw new Error("ssmSource accepted the options");
}

describe("ssmSource options", () => {
  const client = new FakeSsmClient(new FakeParameterStore());

  it.each([
    ["not an object", "/app/prod", "options must be an object"],
    ["an array", [], "options must be an object"],
    ["nothing to read", { client }, "give a path, parameters, or both"],
    ["an unknown option", { path: "/a", pathh: "/b" }, 'unknown option "pathh"'],
    ["a misspelt option", { path: "/a", maxConcurency: 2 }, "known: client, path"],
    ["a client without send", { path: "/a", client: {} }, "client must be an AWS SDK v3 SSMClient"],
    ["a path that is not a string", { path: 42 }, "path must be a string"],
    ["a relative path", { path: "app/prod" }, 'must start with "/"'],
    ["a path with //", { path: "/app//prod" }, 'single "/" separators'],
    ["parameters that are an array", { parameters: ["/a"] }, "parameters must be an object"],
    ["a binding to a non-string", { parameters: { a: 1 } }, 'key "a" must be bound'],
    ["a bad binding key", { parameters: { "a..b": "/a" } }, "not a dotted identifier"],
    [
      "an unknown keyCase",
      { path: "/a", keyCase: "kebab" },
      'keyCase must be "preserve" or "camel"',
    ],
    [
      "maxConcurrency 0",
      { path: "/a", maxConcurrency: 0 },
      "maxConcurrency must be a whole number",
    ],
    ["maxConcurrency NaN", { path: "/a", maxConcurrency: Number.NaN }, "maxConcurrency"],
    ["maxConcurrency 1.5", { path: "/a", maxConcurrency: 1.5 }, "maxConcurrency"],
    ["maxConcurrency as a string", { path: "/a", maxConcurrency: "5" }, "maxConcurrency"],
    [
      "maxConcurrency above the bound",
      { path: "/a", maxConcurrency: MAX_CONCURRENCY + 1 },
      `from 1 to ${MAX_CONCURRENCY}`,
    ],
    [
      "secretVersions that is not a lookup",
      { path: "/a", secretVersions: {} },
      "secretVersions must come from describeSecretVersions",
    ],
  ])("refuses %s with an options error naming ssmSource, before any call", (_, options, text) => {
    // Act
    const error = optionsErrorOf(options);

    // Assess
    expect(error.reason).toBe("options");
    expect(error.message.startsWith("ssmSource: ")).toBe(true);
    expect(error.message).toContain(text);
    expect(client.count()).toBe(0);
  });

  it("accepts every documented option", () => {
    // Act
    const source = ssmSource({
      client,
      path: "/app/prod/",
      parameters: { "db.port": "/shared/db/port:stable" },
      keyCase: "camel",
      secretVersions: { currentVersion: async () => undefined },
      maxConcurrency: MAX_CONCURRENCY,
    });

    // Assess
    expect(source.description).toBe("ssm:/app/prod");
  });
});
