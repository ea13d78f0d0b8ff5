import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateSecretCommand } from "@aws-sdk/client-secrets-manager";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  awsClients,
  describeMoto,
  motoEndpoint,
  putParameter,
  uniquePath,
} from "../support/aws.js";
import { atMoto, runCli } from "./run-cli.js";

describeMoto("ssm-config get", () => {
  const { ssm, secrets } = awsClients();
  let root: string;
  let secretName: string;

  beforeAll(async () => {
    root = uniquePath("cli-get");
    secretName = `${root.slice(1)}/stripe`;
    await putParameter(ssm, `${root}/db/host`, "db-v1.internal");
    await putParameter(ssm, `${root}/db/host`, "db-v2.internal");
    await putParameter(ssm, `${root}/origins`, "https://a.example,https://b.example", "StringList");
    await putParameter(ssm, `${root}/db/password`, "canary-get-pw", "SecureString");
    await secrets.send(
      new CreateSecretCommand({ Name: secretName, SecretString: '{"apiKey":"sk_canary_get"}' }),
    );
  });

  it("prints a String value and nothing on stderr", async () => {
    const result = await runCli(atMoto("get", `${root}/db/host`));

    expect(result).toMatchObject({ code: 0, stdout: "db-v2.internal\n", stderr: "" });
  });

  it("prints a StringList joined by commas", async () => {
    const result = await runCli(atMoto("get", `${root}/origins`));

    expect(result.stdout).toBe("https://a.example,https://b.example\n");
  });

  it("accepts a version selector", async () => {
    const result = await runCli(atMoto("get", `${root}/db/host:1`));

    expect(result.stdout).toBe("db-v1.internal\n");
  });

  it("redacts a SecureString unless --reveal is given", async () => {
    const hidden = await runCli(atMoto("get", `${root}/db/password`));
    const shown = await runCli(atMoto("get", `${root}/db/password`, "--reveal"));

    expect(hidden).toMatchObject({ code: 0, stdout: "[REDACTED]\n" });
    expect(hidden.stderr).not.toContain("canary-get-pw");
    expect(shown).toMatchObject({ code: 0, stdout: "canary-get-pw\n" });
  });

  it("redacts a Secrets Manager reference unless --reveal is given", async () => {
    const name = `/aws/reference/secretsmanager/${secretName}`;

    const hidden = await runCli(atMoto("get", name));
    const shown = await runCli(atMoto("get", name, "--reveal"));

    expect(hidden).toMatchObject({ code: 0, stdout: "[REDACTED]\n" });
    expect(shown).toMatchObject({ code: 0, stdout: '{"apiKey":"sk_canary_get"}\n' });
  });

  it("--json prints name, type, version, lastModified and value", async () => {
    const result = await runCli(atMoto("get", `${root}/db/host`, "--json"));

    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout);
    expect(printed).toEqual({
      name: `${root}/db/host`,
      type: "String",
      version: 2,
      lastModified: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      value: "db-v2.internal",
    });
  });

  it("--json keeps a secret redacted and reports its type and version id", async () => {
    const result = await runCli(
      atMoto("get", `/aws/reference/secretsmanager/${secretName}`, "--json"),
    );

    const printed = JSON.parse(result.stdout);
    expect(printed).toMatchObject({ type: "Secret", value: "[REDACTED]" });
    expect(printed.version).toEqual(expect.any(String));
    expect(result.stdout).not.toContain("sk_canary_get");
  });

  it("a name that does not exist exits with 3 and names it on stderr", async () => {
    const result = await runCli(atMoto("get", `${root}/missing`));

    expect(result.code).toBe(3);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(`ssm-config: parameter "${root}/missing" was not found\n`);
  });

  it("global options may come before the command", async () => {
    const result = await runCli([
      "--endpoint",
      motoEndpoint,
      "--region",
      "us-east-1",
      "get",
      `${root}/db/host`,
    ]);

    expect(result).toMatchObject({ code: 0, stdout: "db-v2.internal\n" });
  });

  describe("credentials and region", () => {
    let folder: string;
    let profileEnv: Record<string, string>;

    beforeAll(() => {
      folder = mkdtempSync(join(tmpdir(), "ssm-config-cli-"));
      writeFileSync(
        join(folder, "credentials"),
        "[cli-test]\naws_access_key_id = testing\naws_secret_access_key = testing\n",
      );
      writeFileSync(join(folder, "config"), "[profile cli-test]\nregion = eu-west-3\n");
      profileEnv = {
        AWS_SHARED_CREDENTIALS_FILE: join(folder, "credentials"),
        AWS_CONFIG_FILE: join(folder, "config"),
        AWS_ACCESS_KEY_ID: "",
        AWS_SECRET_ACCESS_KEY: "",
        AWS_EC2_METADATA_DISABLED: "true",
      };
    });

    afterAll(() => {
      rmSync(folder, { recursive: true, force: true });
    });

    it("--profile supplies the credentials and the region", async () => {
      const paris = awsClients(motoEndpoint, { region: "eu-west-3" }).ssm;
      await putParameter(paris, `${root}/region`, "paris");

      const result = await runCli(atMoto("get", `${root}/region`, "--profile", "cli-test"), {
        env: profileEnv,
      });

      expect(result).toMatchObject({ code: 0, stdout: "paris\n", stderr: "" });
    });

    it("--region overrides the profile's region", async () => {
      const result = await runCli(
        atMoto("get", `${root}/db/host`, "--profile", "cli-test", "--region", "us-east-1"),
        { env: profileEnv },
      );

      expect(result).toMatchObject({ code: 0, stdout: "db-v2.internal\n" });
    });

    it("no credentials at all exit with 3 and say how to provide them", async () => {
      const result = await runCli(atMoto("get", `${root}/db/host`), {
        env: { ...profileEnv, AWS_SHARED_CREDENTIALS_FILE: join(folder, "none") },
      });

      expect(result.code).toBe(3);
      expect(result.stdout).toBe("");
      expect(result.stderr).toMatch(/^ssm-config: no AWS credentials found .*--profile.*\n$/);
    });
  });
});
