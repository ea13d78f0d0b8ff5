import { afterAll, beforeAll, expect, it } from "vitest";
import { z } from "zod";
import { ConfigLoadError, createConfig, ssmSource } from "../../src/index.js";
import {
  awsClients,
  describeMoto,
  motoEndpoint,
  putParameter,
  uniquePath,
} from "../support/aws.js";
import { type FaultProxy, startFaultProxy } from "../support/fault-proxy.js";
import { closeAfterEach } from "../support/loaders.js";

const track = closeAfterEach();

/**
 * AWS answers that moto does not produce by itself (it does not enforce IAM or KMS key state)
 * are injected by a loopback proxy in front of moto, in AWS's own JSON wire format.
 */
describeMoto("AWS errors become ConfigLoadError with the parameter and the cause", () => {
  const { ssm } = awsClients();
  let proxy: FaultProxy;
  let root: string;

  beforeAll(async () => {
    proxy = await startFaultProxy({ target: motoEndpoint });
    root = uniquePath("errors");
    await putParameter(ssm, `${root}/a`, "1");
    await putParameter(ssm, `${root}/secret`, "s", "SecureString");
  });
  afterAll(async () => {
    await proxy.close();
  });

  async function loadFailure(
    operation: string,
    error: { status: number; type: string; message: string },
    options: Parameters<typeof ssmSource>[0],
  ): Promise<ConfigLoadError> {
    proxy.set({ errors: { [operation]: error } });
    const { ssm: proxied } = awsClients(proxy.endpoint, { maxAttempts: 2 });
    const config = track(
      createConfig({
        schema: z.record(z.string(), z.string()),
        sources: [ssmSource({ ...options, client: proxied })],
      }),
    );
    try {
      await config.load();
    } catch (failure) {
      return failure as ConfigLoadError;
    } finally {
      proxy.set({ errors: {} });
    }
    throw new Error("load() succeeded");
  }

  it("AccessDeniedException names the parameter from AWS's message and says what to grant", async () => {
    const failure = await loadFailure(
      "GetParametersByPath",
      {
        status: 400,
        type: "AccessDeniedException",
        message: `User: arn:aws:iam::123456789012:user/app is not authorized to perform: ssm:GetParametersByPath on resource: arn:aws:ssm:us-east-1:123456789012:parameter${root} because no identity-based policy allows the ssm:GetParametersByPath action`,
      },
      { path: root },
    );

    expect(failure).toBeInstanceOf(ConfigLoadError);
    expect(failure.name).toBe("ConfigLoadError");
    expect(failure.parameter).toBe(root);
    expect((failure.cause as Error).name).toBe("AccessDeniedException");
    expect(failure.message).toMatch(/AccessDeniedException/);
    expect(failure.message).toMatch(/Grant/);
  });

  it("InvalidKeyId on a SecureString says the KMS key cannot be used", async () => {
    const failure = await loadFailure(
      "GetParameters",
      { status: 400, type: "InvalidKeyId", message: "The KMS key is disabled." },
      { parameters: { secret: `${root}/secret` } },
    );

    expect(failure.parameter).toBe(`${root}/secret`);
    expect((failure.cause as Error).name).toBe("InvalidKeyId");
    expect(failure.message).toMatch(/KMS key/);
  });

  it("ValidationException says to check the name", async () => {
    const failure = await loadFailure(
      "GetParameters",
      { status: 400, type: "ValidationException", message: "Parameter name is invalid." },
      { parameters: { a: `${root}/a` } },
    );

    expect(failure.parameter).toBe(`${root}/a`);
    expect((failure.cause as Error).name).toBe("ValidationException");
    expect(failure.message).toMatch(/Check the parameter name/);
  });

  it("throttling that outlasts the SDK's retries says throttled, after exactly maxAttempts requests", async () => {
    proxy.resetStats();
    const failure = await loadFailure(
      "GetParametersByPath",
      { status: 400, type: "ThrottlingException", message: "Rate exceeded" },
      { path: root },
    );

    expect(failure.parameter).toBe(root);
    expect((failure.cause as Error).name).toBe("ThrottlingException");
    expect(failure.message).toMatch(/throttled/);
    expect(proxy.stats.byOperation.get("GetParametersByPath")).toBe(2);
  });
});
