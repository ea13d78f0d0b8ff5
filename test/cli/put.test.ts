import { expect, it } from "vitest";
import { awsClients, describeMoto, putParameter, uniquePath } from "../support/aws.js";
import { atMoto, runCli } from "./run-cli.js";
import { stored } from "./writing-support.js";

describeMoto("ssm-config put", () => {
  const { ssm } = awsClients();

  it("creates a String by default and prints its version", async () => {
    const name = `${uniquePath("cli-put")}/db/host`;

    const result = await runCli(atMoto("put", name, "db.internal"));

    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`added     ${name} (String) version 1\n`);
    expect(await stored(ssm, name)).toEqual({ value: "db.internal", type: "String", version: 1 });
  });

  it("reads the value from standard input when it is omitted, without the trailing line break", async () => {
    const name = `${uniquePath("cli-put")}/db/password`;

    const result = await runCli(atMoto("put", name, "--type", "SecureString"), {
      input: "canary-put-stdin\n",
    });

    expect(result.code).toBe(0);
    expect(result.stdout + result.stderr).not.toContain("canary-put-stdin");
    expect(await stored(ssm, name)).toMatchObject({
      value: "canary-put-stdin",
      type: "SecureString",
    });
  });

  it("overwriting keeps the existing type unless --type says otherwise", async () => {
    const name = `${uniquePath("cli-put")}/token`;
    await putParameter(ssm, name, "old-secret", "SecureString");

    const kept = await runCli(atMoto("put", name, "new-secret"));
    expect(kept.stdout).toBe(`updated   ${name} (SecureString) version 2\n`);
    expect(await stored(ssm, name)).toMatchObject({ value: "new-secret", type: "SecureString" });

    const changed = await runCli(atMoto("put", name, "plain-now", "--type", "String"));
    expect(changed.stdout).toBe(`updated   ${name} (String) version 3\n`);
    expect(await stored(ssm, name)).toMatchObject({ type: "String" });
  });

  it("the same value again writes no new version", async () => {
    const name = `${uniquePath("cli-put")}/level`;
    await putParameter(ssm, name, "info");

    const result = await runCli(atMoto("put", name, "info"));

    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`unchanged ${name} (String) version 1\n`);
    expect(await stored(ssm, name)).toMatchObject({ version: 1 });
  });

  it("a value that starts with a dash goes after --", async () => {
    const name = `${uniquePath("cli-put")}/flags`;

    const result = await runCli(atMoto("put", name, "--", "--verbose"));

    expect(result.code).toBe(0);
    expect(await stored(ssm, name)).toMatchObject({ value: "--verbose" });
  });

  it("--dry-run prints the plan and writes nothing", async () => {
    const name = `${uniquePath("cli-put")}/x`;

    const result = await runCli(atMoto("put", name, "v", "--dry-run"));

    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`added     ${name} (String)\n`);
    expect(result.stderr).toContain("Dry run: nothing was written.");
    expect(await stored(ssm, name)).toBeUndefined();
  });

  it("--json prints the plan and the new version, never the value", async () => {
    const name = `${uniquePath("cli-put")}/secret`;

    const result = await runCli(
      atMoto("put", name, "canary-put-json", "--type", "SecureString", "--json"),
    );

    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain("canary-put-json");
    expect(JSON.parse(result.stdout)).toEqual({
      dryRun: false,
      plan: [{ name, action: "added", type: "SecureString" }],
      written: [{ name, version: 1 }],
      removed: [],
    });
  });

  it("--key-id on a String is a usage error, before any write", async () => {
    const name = `${uniquePath("cli-put")}/x`;

    const result = await runCli(atMoto("put", name, "v", "--key-id", "alias/other"));

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--key-id applies to SecureString parameters only");
    expect(await stored(ssm, name)).toBeUndefined();
  });
});
