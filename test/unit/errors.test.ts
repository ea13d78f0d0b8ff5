import { describe, expect, it } from "vitest";
import { ConfigLoadError, isConfigLoadError } from "../../src/errors/config-load-error.js";
import { ConfigValidationError } from "../../src/errors/config-validation-error.js";
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
