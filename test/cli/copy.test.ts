import { afterAll, beforeEach, describe, expect, it } from "vitest";
import {
  awsClients,
  describeMoto,
  motoEndpoint,
  putParameter,
  uniquePath,
} from "../support/aws.js";
import { type FaultProxy, startFaultProxy } from "../support/fault-proxy.js";
import { atMoto, FIXTURES, runCli } from "./run-cli.js";
import { stored } from "./writing-support.js";

const SCHEMA = `${FIXTURES}promote-schema.ts#Config`;

describeMoto("ssm-config copy", () => {
  const { ssm } = awsClients();
  let staging: string;
  let prod: string;

  beforeEach(async () => {
    staging = uniquePath("cli-copy-staging");
    prod = uniquePath("cli-copy-prod");
    await putParameter(ssm, `${staging}/db/host`, "db.internal");
    await putParameter(ssm, `${staging}/db/port`, "5432");
    await putParameter(ssm, `${staging}/db/password`, "canary-copy-pw", "SecureString");
    await putParameter(ssm, `${staging}/level`, "info");
  });

  it("copies every parameter, keeping types: a SecureString stays a SecureString", async () => {
    const result = await runCli(atMoto("copy", staging, prod));

    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`added     ${prod}/db/password (SecureString)`);
    expect(result.stdout + result.stderr).not.toContain("canary-copy-pw");
    expect(await stored(ssm, `${prod}/db/password`)).toMatchObject({
      value: "canary-copy-pw",
      type: "SecureString",
    });
    expect(await stored(ssm, `${prod}/level`)).toMatchObject({ value: "info", type: "String" });
  });

  it("is idempotent: a second copy writes nothing", async () => {
    await runCli(atMoto("copy", staging, prod));

    const again = await runCli(atMoto("copy", staging, prod));

    expect(again.code).toBe(0);
    expect(again.stderr).toContain("Done: 0 added, 0 updated, 4 unchanged, 0 removed.");
    expect(await stored(ssm, `${prod}/db/host`)).toMatchObject({ version: 1 });
  });

  it("--delete removes what the source lacks; without it, extra parameters stay", async () => {
    await putParameter(ssm, `${prod}/legacy`, "old");

    const kept = await runCli(atMoto("copy", staging, prod));
    expect(kept.stdout).not.toContain("legacy");
    expect(await stored(ssm, `${prod}/legacy`)).toBeDefined();

    const deleted = await runCli(atMoto("copy", staging, prod, "--delete"));
    expect(deleted.code).toBe(0);
    expect(deleted.stdout).toContain(`removed   ${prod}/legacy (String)`);
    expect(await stored(ssm, `${prod}/legacy`)).toBeUndefined();
  });

  it("--schema: a tree that fails the schema writes nothing and exits with 1, issues as validate prints them", async () => {
    await putParameter(ssm, `${staging}/level`, "verbose");

    const result = await runCli(atMoto("copy", staging, prod, "--schema", SCHEMA));

    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`level (${prod}/level): Invalid option`);
    expect(result.stderr).toContain("nothing was written");
    expect(await stored(ssm, `${prod}/db/host`)).toBeUndefined();
  });

  it("--schema validates what to-path would hold, existing parameters included", async () => {
    // The source lacks db.password; the destination already has it, so the result is valid.
    const partial = uniquePath("cli-copy-partial");
    await putParameter(ssm, `${partial}/db/host`, "db.internal");
    await putParameter(ssm, `${partial}/db/port`, "5432");
    await putParameter(ssm, `${partial}/level`, "warn");
    await putParameter(ssm, `${prod}/db/password`, "canary-prod-pw", "SecureString");

    const passes = await runCli(atMoto("copy", partial, prod, "--schema", SCHEMA));
    expect(passes.code).toBe(0);
    expect(passes.stderr).toContain("would match the schema (Config)");

    // With --delete the password would go, and the schema catches that before anything is written.
    const other = uniquePath("cli-copy-other");
    await putParameter(ssm, `${other}/db/host`, "h");
    await putParameter(ssm, `${other}/db/port`, "1");
    await putParameter(ssm, `${other}/level`, "info");
    const fails = await runCli(atMoto("copy", other, prod, "--schema", SCHEMA, "--delete"));
    expect(fails.code).toBe(1);
    expect(fails.stdout).toContain("db.password");
    expect(fails.stdout + fails.stderr).not.toContain("canary-prod-pw");
    expect(await stored(ssm, `${prod}/db/password`)).toBeDefined();
  });

  it("--dry-run with --schema validates and prints the plan, writing nothing", async () => {
    const result = await runCli(atMoto("copy", staging, prod, "--schema", SCHEMA, "--dry-run"));

    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`added     ${prod}/db/host (String)`);
    expect(await stored(ssm, `${prod}/db/host`)).toBeUndefined();
  });

  it("an empty source is an error: nothing to copy", async () => {
    const result = await runCli(atMoto("copy", uniquePath("cli-copy-empty"), prod, "--delete"));

    expect(result.code).toBe(1);
    expect(result.stderr).toContain("nothing to copy");
  });

  describe("a failure half-way", () => {
    let proxy: FaultProxy | undefined;
    afterAll(async () => {
      await proxy?.close();
    });

    it("reports exactly what was done and what was not, and a re-run finishes", async () => {
      await putParameter(ssm, `${prod}/legacy-a`, "old");
      await putParameter(ssm, `${prod}/legacy-b`, "old");
      proxy = await startFaultProxy({
        target: motoEndpoint,
        errors: {
          DeleteParameters: {
            status: 400,
            type: "AccessDeniedException",
            message: "not allowed to ssm:DeleteParameters",
          },
        },
      });

      const failed = await runCli([
        "copy",
        "--endpoint",
        proxy.endpoint,
        staging,
        prod,
        "--delete",
        "--json",
      ]);

      expect(failed.code).toBe(3);
      const report = JSON.parse(failed.stderr) as Record<string, unknown>;
      expect(report).toMatchObject({ code: "aws", exitCode: 3, awsError: "AccessDeniedException" });
      expect(report.message).toContain("AccessDeniedException");
      expect(report.done).toEqual([
        `${prod}/db/host`,
        `${prod}/db/password`,
        `${prod}/db/port`,
        `${prod}/level`,
      ]);
      expect(report.notDone).toEqual([`${prod}/legacy-a`, `${prod}/legacy-b`]);
      expect(await stored(ssm, `${prod}/db/host`)).toBeDefined();
      expect(await stored(ssm, `${prod}/legacy-a`)).toBeDefined();

      const rerun = await runCli(atMoto("copy", staging, prod, "--delete"));

      expect(rerun.code).toBe(0);
      expect(rerun.stderr).toContain("Done: 0 added, 0 updated, 4 unchanged, 2 removed.");
      expect(await stored(ssm, `${prod}/legacy-a`)).toBeUndefined();
    });

    it("prints the report in human form too", async () => {
      await putParameter(ssm, `${prod}/legacy`, "old");
      proxy ??= await startFaultProxy({ target: motoEndpoint });
      proxy.set({
        errors: {
          DeleteParameters: { status: 400, type: "AccessDeniedException", message: "denied" },
        },
      });

      const failed = await runCli([
        "copy",
        "--endpoint",
        proxy.endpoint,
        staging,
        prod,
        "--delete",
      ]);

      expect(failed.code).toBe(3);
      expect(failed.stderr).toContain(
        `ssm-config: stopped at ${prod}/legacy: AccessDeniedException (${prod}/legacy): denied`,
      );
      expect(failed.stderr).toContain(`Not done (1): ${prod}/legacy`);
      expect(failed.stderr).toContain("Run the same command again to finish");
    });
  });
});
