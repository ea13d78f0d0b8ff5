import { expect, it } from "vitest";
import {
  awsClients,
  describeMoto,
  motoEndpoint,
  putParameter,
  uniquePath,
} from "../support/aws.js";
import { startFaultProxy } from "../support/fault-proxy.js";
import { atMoto, runCli } from "./run-cli.js";
import { stored } from "./writing-support.js";

describeMoto("ssm-config rollback", () => {
  const { ssm } = awsClients();

  it("writes an earlier version's value as a new version, keeping the type", async () => {
    const name = `${uniquePath("cli-rollback")}/db/password`;
    await putParameter(ssm, name, "canary-v1", "SecureString");
    await putParameter(ssm, name, "canary-v2", "SecureString");

    const result = await runCli(atMoto("rollback", name, "--to", "1"));

    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      `updated   ${name} (SecureString) to the value of version 1: version 3\n`,
    );
    expect(result.stdout + result.stderr).not.toContain("canary-v");
    expect(await stored(ssm, name)).toEqual({
      value: "canary-v1",
      type: "SecureString",
      version: 3,
    });
  });

  it("writes nothing when the current version already holds that value", async () => {
    const name = `${uniquePath("cli-rollback")}/level`;
    await putParameter(ssm, name, "info");
    await putParameter(ssm, name, "debug");
    await putParameter(ssm, name, "info");

    const result = await runCli(atMoto("rollback", name, "--to", "1"));

    expect(result.code).toBe(0);
    expect(result.stdout).toContain("version 3 already holds it");
    expect(await stored(ssm, name)).toMatchObject({ version: 3 });
  });

  it("a version that does not exist is a usage error naming the versions there are", async () => {
    const name = `${uniquePath("cli-rollback")}/x`;
    await putParameter(ssm, name, "a");
    await putParameter(ssm, name, "b");

    const result = await runCli(atMoto("rollback", name, "--to", "9"));

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${name} has no version 9 (its versions: 1 to 2`);
  });

  it("--dry-run writes nothing", async () => {
    const name = `${uniquePath("cli-rollback")}/x`;
    await putParameter(ssm, name, "a");
    await putParameter(ssm, name, "b");

    const result = await runCli(atMoto("rollback", name, "--to", "1", "--dry-run"));

    expect(result.code).toBe(0);
    expect(await stored(ssm, name)).toMatchObject({ value: "b", version: 2 });
  });
});

describeMoto("ssm-config delete", () => {
  const { ssm } = awsClients();

  it("without --yes and with no terminal to ask on, refuses (exit 2) before any call or plan line", async () => {
    const name = `${uniquePath("cli-delete")}/x`;
    await putParameter(ssm, name, "v");
    const proxy = await startFaultProxy({ target: motoEndpoint });
    try {
      const result = await runCli(["delete", "--endpoint", proxy.endpoint, name]);

      expect(result.code).toBe(2);
      expect(result.stdout).toBe("");
      expect(result.stderr).toContain("refusing to delete without --yes");
      expect(proxy.stats.received).toBe(0);
      expect(await stored(ssm, name)).toBeDefined();
    } finally {
      await proxy.close();
    }
  });

  it("an AWS failure while deleting is exit 3; without --yes it is still the refusal, exit 2", async () => {
    const name = `${uniquePath("cli-delete")}/x`;
    await putParameter(ssm, name, "v");
    const denied = { status: 400, type: "AccessDeniedException", message: "not allowed" };
    const proxy = await startFaultProxy({
      target: motoEndpoint,
      errors: { GetParameters: denied, DeleteParameters: denied },
    });
    try {
      const confirmed = await runCli(["delete", "--endpoint", proxy.endpoint, name, "--yes"]);
      const unconfirmed = await runCli(["delete", "--endpoint", proxy.endpoint, name]);

      expect(confirmed.code).toBe(3);
      expect(confirmed.stderr).toContain("AccessDeniedException");
      expect(unconfirmed.code).toBe(2);
      expect(unconfirmed.stderr).toContain("refusing to delete without --yes");
      expect(await stored(ssm, name)).toBeDefined();
    } finally {
      await proxy.close();
    }
  });

  it("standard input that is not a terminal cannot confirm, even when it says yes", async () => {
    const name = `${uniquePath("cli-delete")}/x`;
    await putParameter(ssm, name, "v");

    const result = await runCli(atMoto("delete", name), { input: "yes\n" });

    expect(result.code).toBe(2);
    expect(await stored(ssm, name)).toBeDefined();
  });

  it("--yes deletes the named parameters and reports absent ones", async () => {
    const path = uniquePath("cli-delete");
    await putParameter(ssm, `${path}/a`, "v");
    await putParameter(ssm, `${path}/b`, "v");

    const result = await runCli(
      atMoto("delete", `${path}/a`, `${path}/b`, `${path}/nope`, "--yes"),
    );

    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`absent    ${path}/nope (nothing to delete)`);
    expect(result.stderr).toContain("Done: 0 added, 0 updated, 0 unchanged, 2 removed.");
    expect(await stored(ssm, `${path}/a`)).toBeUndefined();
    expect(await stored(ssm, `${path}/b`)).toBeUndefined();
  });

  it("--path deletes everything under a path, more than ten names in batches", async () => {
    const path = uniquePath("cli-delete");
    for (let i = 0; i < 13; i++) await putParameter(ssm, `${path}/k${i}`, "v");
    await putParameter(ssm, `${path}-sibling/k`, "stays");

    const dry = await runCli(atMoto("delete", "--path", path, "--dry-run"));
    expect(dry.code).toBe(0);
    expect(dry.stdout.trim().split("\n")).toHaveLength(13);
    expect(await stored(ssm, `${path}/k0`)).toBeDefined();

    const result = await runCli(atMoto("delete", "--path", path, "--yes", "--json"));

    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as { removed: string[] }).removed).toHaveLength(13);
    expect(await stored(ssm, `${path}/k12`)).toBeUndefined();
    expect(await stored(ssm, `${path}-sibling/k`)).toBeDefined();
  });
});
