import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ConfigError, isConfigError } from "../../src/errors/config-error.js";
import {
  ConfigListenerError,
  isConfigListenerError,
} from "../../src/errors/config-listener-error.js";
import {
  ConfigLoadError,
  isConfigLoadError,
  optionsError,
} from "../../src/errors/config-load-error.js";
import {
  ConfigValidationError,
  isConfigValidationError,
} from "../../src/errors/config-validation-error.js";
import { createConfig, memorySource } from "../../src/index.js";
import { parameterFromMessage, toLoadError } from "../../src/sources/aws/aws-errors.js";

/** An error shaped like the AWS SDK v3's service exceptions. */
function awsError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return Object.assign(error, { $fault: "client", $metadata: { httpStatusCode: 400 } });
}

describe("ConfigLoadError", () => {
  it('is an Error named "ConfigLoadError"', () => {
    // Act
    const error = new ConfigLoadError("cannot read");

    // Assess
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("ConfigLoadError");
    expect(error.message).toBe("cannot read");
  });

  it("carries the parameter and the cause", () => {
    // Prepare
    const cause = awsError("AccessDeniedException", "denied");

    // Act
    const error = new ConfigLoadError("cannot read", { parameter: "/app/db/host", cause });

    // Assess
    expect(error.parameter).toBe("/app/db/host");
    expect(error.cause).toBe(cause);
  });

  it("has no parameter or cause when none is given", () => {
    // Act
    const error = new ConfigLoadError("bad option");

    // Assess
    expect(error.parameter).toBeUndefined();
    expect(Object.hasOwn(error, "cause")).toBe(false);
  });

  it("is recognised by name, also from another copy of the package", () => {
    // Prepare
    const foreign = Object.assign(new Error("x"), { name: "ConfigLoadError" });

    // Act
    const recognised = [isConfigLoadError(new ConfigLoadError("x")), isConfigLoadError(foreign)];

    // Assess
    expect(recognised).toEqual([true, true]);
    expect(isConfigLoadError(new Error("x"))).toBe(false);
  });
});

describe("ConfigValidationError", () => {
  const issues = [
    { key: "db.port", parameter: "/app/db/port", message: "Expected number" },
    { key: "level", message: "Invalid option" },
    { key: "", message: "The schema threw: boom" },
  ];

  it('is an Error named "ConfigValidationError" with every issue', () => {
    // Act
    const error = new ConfigValidationError(issues);

    // Assess
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("ConfigValidationError");
    expect(error.issues).toEqual(issues);
  });

  it("lists the issues in its message, one per line, with key and parameter", () => {
    // Act
    const error = new ConfigValidationError(issues);

    // Assess
    expect(error.message.split("\n")).toEqual([
      "Configuration does not match the schema (3 issues); fix these values:",
      "  - db.port (/app/db/port): Expected number",
      "  - level: Invalid option",
      "  - (root): The schema threw: boom",
    ]);
  });

  it("freezes its issues, so that a listener cannot change them for the next one", () => {
    // Prepare
    const error = new ConfigValidationError(issues);

    // Act
    const push = () => (error.issues as unknown[]).push({ key: "x", message: "y" });

    // Assess
    expect(push).toThrow(TypeError);
    expect(Object.isFrozen(error.issues[0])).toBe(true);
  });

  it("copies the issues, so that changing the input array changes nothing", () => {
    // Prepare
    const input = [{ key: "a", message: "m" }];
    const error = new ConfigValidationError(input);

    // Act
    input[0] = { key: "b", message: "changed" };

    // Assess
    expect(error.issues).toEqual([{ key: "a", message: "m" }]);
  });
});

describe("toLoadError", () => {
  it("names the parameter, the AWS error, and keeps it as cause", () => {
    // Prepare
    const cause = awsError(
      "AccessDeniedException",
      "User is not authorized to perform ssm:GetParameter",
    );

    // Act
    const error = toLoadError(cause, "/app/db/host");

    // Assess
    expect(error).toBeInstanceOf(ConfigLoadError);
    expect(error.parameter).toBe("/app/db/host");
    expect(error.cause).toBe(cause);
    expect(error.message).toMatch(
      /^Could not read "\/app\/db\/host" from Parameter Store: AccessDeniedException: /,
    );
  });

  it("advises granting read permissions for AccessDeniedException", () => {
    // Act
    const error = toLoadError(awsError("AccessDeniedException", "denied"), "/app/db/host");

    // Assess
    expect(error.message).toMatch(/Grant this role the Parameter Store read permissions/);
    expect(error.message).toMatch(/kms:Decrypt/);
  });

  it("points at the KMS key for InvalidKeyId", () => {
    // Act
    const error = toLoadError(awsError("InvalidKeyId", "key is disabled"), "/app/db/password");

    // Assess
    expect(error.message).toMatch(/KMS key .* kms:Decrypt/);
  });

  it("points at the name, path and selector for ValidationException", () => {
    // Act
    const error = toLoadError(awsError("ValidationException", "bad name"), "/app/db:x");

    // Assess
    expect(error.message).toMatch(/Check the parameter name, path and selector/);
  });

  it("says the requests were throttled for ThrottlingException", () => {
    // Act
    const error = toLoadError(awsError("ThrottlingException", "Rate exceeded"), "/app/db/host");

    // Assess
    expect(error.message).toMatch(/ThrottlingException \(throttled\)/);
    expect(error.message).toMatch(/throttled the requests/);
  });

  it("recognises throttling by its message when the name is generic", () => {
    // Act
    const error = toLoadError(new Error("Rate exceeded"), undefined);

    // Assess
    expect(error.message).toMatch(/throttl/);
    expect(error.parameter).toBeUndefined();
  });

  it("names the service it was given", () => {
    // Act
    const error = toLoadError(
      awsError("AccessDeniedException", "denied"),
      "prod/stripe",
      "Secrets Manager",
    );

    // Assess
    expect(error.message).toMatch(/^Could not read "prod\/stripe" from Secrets Manager/);
  });

  it("does not double the full stop of an AWS message", () => {
    // Act
    const error = toLoadError(awsError("ThrottlingException", "Rate exceeded."), "/a");

    // Assess
    expect(error.message).not.toContain("..");
  });

  it("returns a ConfigLoadError unchanged", () => {
    // Prepare
    const original = new ConfigLoadError("already explained");

    // Act
    const error = toLoadError(original, "/a");

    // Assess
    expect(error).toBe(original);
  });
});

describe("parameterFromMessage", () => {
  it("extracts the parameter from an AccessDenied message's ARN", () => {
    // Prepare
    const error = awsError(
      "AccessDeniedException",
      "User: arn:aws:sts::123456789012:assumed-role/app/i-1 is not authorized to perform: ssm:GetParameters on resource: arn:aws:ssm:eu-west-1:123456789012:parameter/app/prod/db/password because no identity-based policy allows the ssm:GetParameters action",
    );

    // Act
    const parameter = parameterFromMessage(error);

    // Assess
    expect(parameter).toBe("/app/prod/db/password");
  });

  it("returns undefined when the message names no parameter ARN", () => {
    // Act
    const parameter = parameterFromMessage(awsError("AccessDeniedException", "denied"));

    // Assess
    expect(parameter).toBeUndefined();
  });
});

describe("ConfigError, the common base", () => {
  it("is the base of every error class of the library", () => {
    // Act
    const errors = [
      new ConfigLoadError("x"),
      new ConfigValidationError([{ key: "a", message: "bad" }]),
      new ConfigListenerError("change", new Error("bug")),
    ];

    // Assess
    for (const error of errors) {
      expect(error).toBeInstanceOf(ConfigError);
      expect(error).toBeInstanceOf(Error);
      expect(isConfigError(error)).toBe(true);
      expect(error.isConfigError).toBe(true);
    }
  });

  it("isConfigError is false for other errors and for non-errors", () => {
    // Prepare
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error("trap");
        },
      },
    );

    // Act
    const results = [
      new Error("x"),
      new TypeError("x"),
      null,
      undefined,
      "ConfigError",
      hostile,
    ].map(isConfigError);

    // Assess
    expect(results).toEqual([false, false, false, false, false, false]);
  });
});

describe("ConfigLoadError.reason", () => {
  it('defaults to "aws" and keeps the reason it is given', () => {
    // Act
    const reasons = [
      new ConfigLoadError("x").reason,
      new ConfigLoadError("x", { reason: "mapping" }).reason,
      new ConfigLoadError("x", { reason: "lifecycle" }).reason,
      new ConfigLoadError("x", { reason: "source" }).reason,
    ];

    // Assess
    expect(reasons).toEqual(["aws", "mapping", "lifecycle", "source"]);
  });

  it('optionsError starts with the factory name and has reason "options"', () => {
    // Act
    const error = optionsError("secretsManagerSource", "maxConcurrency must be at least 1.");

    // Assess
    expect(error.message).toBe("secretsManagerSource: maxConcurrency must be at least 1.");
    expect(error.reason).toBe("options");
  });

  it('the loader says "lifecycle" for a read before load and for use after close', async () => {
    // Prepare
    const config = createConfig({ schema: z.object({}), sources: [memorySource()] });
    let early: unknown;
    try {
      void config.current;
    } catch (error) {
      early = error;
    }
    const beforeLoad = await config.refresh().catch((error: unknown) => error);
    await config.load();
    await config.close();

    // Act
    const afterClose = await config.refresh().catch((error: unknown) => error);

    // Assess
    expect([early, beforeLoad, afterClose]).toEqual([
      expect.objectContaining({ reason: "lifecycle" }),
      expect.objectContaining({ reason: "lifecycle" }),
      expect.objectContaining({ reason: "lifecycle" }),
    ]);
  });

  it('the loader says "source" for a custom source that fails, and "aws" for an AWS SDK error', async () => {
    // Prepare
    const failing = (error: Error) =>
      createConfig({
        schema: z.object({}),
        sources: [
          {
            description: "custom",
            load: () => Promise.reject(error),
            refresh: () => Promise.reject(error),
          },
        ],
      });

    // Act
    const local = await failing(new Error("disk gone"))
      .load()
      .catch((error: unknown) => error);
    const aws = await failing(awsError("AccessDeniedException", "denied"))
      .load()
      .catch((error: unknown) => error);

    // Assess
    expect(local).toMatchObject({ name: "ConfigLoadError", reason: "source" });
    expect(aws).toMatchObject({ name: "ConfigLoadError", reason: "aws" });
  });
});

describe("type guards across realms", () => {
  /** Errors built by a copy of our classes inside another realm, where instanceof fails. */
  const foreign = runInNewContext(`
    class ConfigError extends Error {
      name = "ConfigError";
      get isConfigError() { return true; }
    }
    class ConfigLoadError extends ConfigError { name = "ConfigLoadError"; reason = "aws"; }
    class ConfigValidationError extends ConfigError { name = "ConfigValidationError"; issues = []; }
    class ConfigListenerError extends ConfigError { name = "ConfigListenerError"; event = "change"; }
    ({
      load: new ConfigLoadError("denied"),
      validation: new ConfigValidationError("bad"),
      listener: new ConfigListenerError("bug"),
      plain: new Error("other"),
    });
  `) as Record<"load" | "validation" | "listener" | "plain", unknown>;

  it("instanceof fails for them, which is why the guards exist", () => {
    // Assess
    expect(foreign.load instanceof Error).toBe(false);
    expect(foreign.load instanceof ConfigLoadError).toBe(false);
  });

  it("each guard recognises its own class from another realm, and nothing else", () => {
    // Act
    const table = Object.fromEntries(
      Object.entries(foreign).map(([kind, error]) => [
        kind,
        [
          isConfigError(error),
          isConfigLoadError(error),
          isConfigValidationError(error),
          isConfigListenerError(error),
        ],
      ]),
    );

    // Assess
    expect(table).toEqual({
      load: [true, true, false, false],
      validation: [true, false, true, false],
      listener: [true, false, false, true],
      plain: [false, false, false, false],
    });
  });

  it("recognises a structurally equal plain object (e.g. an error passed between workers)", () => {
    // Prepare
    const cloned = structuredClone({ name: "ConfigLoadError", message: "x", isConfigError: true });

    // Act
    const results = [isConfigError(cloned), isConfigLoadError(cloned)];

    // Assess
    expect(results).toEqual([true, true]);
  });
});
