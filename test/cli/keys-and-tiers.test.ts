import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateKeyCommand } from "@aws-sdk/client-kms";
import { afterEach, beforeAll, expect, it } from "vitest";
import {
  awsClients,
  describeMoto,
  motoEndpoint,
  putParameter,
  uniquePath,
} from "../support/aws.js";
import { atMoto, runCli } from "./run-cli.js";
import { described, type RecordingProxy, startRecordingProxy, stored } from "./writing-support.js";

describeMoto("writing commands keep a SecureString's KMS key", () => {
  const { ssm, kms } = awsClients();
  let key: string;
  let otherKey: string;
  let proxy: RecordingProxy | undefined;

  beforeAll(async () => {
    key = (await kms.send(new CreateKeyCommand({ Description: "cli-keys" }))).KeyMetadata
      ?.KeyId as string;
    otherKey = (await kms.send(new CreateKeyCommand({ Description: "cli-keys-other" }))).KeyMetadata
      ?.KeyId as string;
  });
  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
  });

  /** The `KeyId` each PutParameter the CLI sent named (moto keeps the old key either way). */
  const sentKeys = (recorder: RecordingProxy) =>
    recorder.bodies("PutParameter").map((body) => body.KeyId);

  it("put overwrites a SecureString under its own key when --key-id is not given", async () => {
    const name = `${uniquePath("cli-keys-put")}/token`;
    await putParameter(ssm, name, "old-secret", "SecureString", { KeyId: key });
    proxy = await startRecordingProxy(motoEndpoint);

    const result = await runCli(["put", "--endpoint", proxy.endpoint, name, "new-secret"]);

    expect(result.code).toBe(0);
    expect(sentKeys(proxy)).toEqual([key]);
    expect(await described(ssm, name)).toMatchObject({ keyId: key });
    expect(await stored(ssm, name)).toMatchObject({ value: "new-secret", type: "SecureString" });
  });

  it("import overwrites SecureStrings under their own keys, and names none for a String", async () => {
    const path = uniquePath("cli-keys-import");
    await putParameter(ssm, `${path}/db/password`, "old-secret", "SecureString", { KeyId: key });
    await putParameter(ssm, `${path}/db/host`, "old-host");
    const file = join(mkdtempSync(join(tmpdir(), "ssm-config-keys-")), "config.json");
    writeFileSync(file, JSON.stringify({ db: { password: "new-secret", host: "new-host" } }));
    proxy = await startRecordingProxy(motoEndpoint);

    const result = await runCli(["import", "--endpoint", proxy.endpoint, path, file]);

    expect(result.code).toBe(0);
    const puts = proxy.bodies("PutParameter");
    expect(puts.find((body) => body.Name === `${path}/db/password`)?.KeyId).toBe(key);
    expect(puts.find((body) => body.Name === `${path}/db/host`)).not.toHaveProperty("KeyId");
    expect(await described(ssm, `${path}/db/password`)).toMatchObject({ keyId: key });
    expect(await stored(ssm, `${path}/db/password`)).toMatchObject({ value: "new-secret" });
  });

  it("put --key-id moves the SecureString to the given key", async () => {
    const name = `${uniquePath("cli-keys-put")}/token`;
    await putParameter(ssm, name, "old-secret", "SecureString", { KeyId: key });

    const result = await runCli(atMoto("put", name, "new-secret", "--key-id", otherKey));

    expect(result.code).toBe(0);
    expect(await described(ssm, name)).toMatchObject({ keyId: otherKey });
  });

  it("rollback writes the earlier value under the key the parameter has now", async () => {
    const name = `${uniquePath("cli-keys-rollback")}/token`;
    await putParameter(ssm, name, "first", "SecureString", { KeyId: key });
    await putParameter(ssm, name, "second", "SecureString", { KeyId: key });
    proxy = await startRecordingProxy(motoEndpoint);

    const result = await runCli(["rollback", "--endpoint", proxy.endpoint, name, "--to", "1"]);

    expect(result.code).toBe(0);
    expect(sentKeys(proxy)).toEqual([key]);
    expect(await described(ssm, name)).toMatchObject({ keyId: key });
    expect(await stored(ssm, name)).toMatchObject({ value: "first", version: 3 });
  });

  it("copy --key-id re-encrypts the copied SecureStrings with the given key", async () => {
    const from = uniquePath("cli-keys-from");
    const to = uniquePath("cli-keys-to");
    await putParameter(ssm, `${from}/password`, "copied-secret", "SecureString", { KeyId: key });
    await putParameter(ssm, `${from}/host`, "h");

    const result = await runCli(atMoto("copy", from, to, "--key-id", otherKey));

    expect(result.code).toBe(0);
    expect(await described(ssm, `${to}/password`)).toMatchObject({ keyId: otherKey });
    expect(await described(ssm, `${to}/host`)).toMatchObject({ keyId: undefined });
    expect(await stored(ssm, `${to}/password`)).toMatchObject({
      value: "copied-secret",
      type: "SecureString",
    });
  });
});

describeMoto("writing commands store values over 4 KB", () => {
  const { ssm } = awsClients();
  const big = "x".repeat(5 * 1024);

  it("put writes a 5 KB value in the Intelligent-Tiering tier, a small one in the default", async () => {
    const path = uniquePath("cli-tier-put");

    const large = await runCli(atMoto("put", `${path}/large`, big));
    const small = await runCli(atMoto("put", `${path}/small`, "x"));

    expect(large.code).toBe(0);
    expect(small.code).toBe(0);
    expect(await described(ssm, `${path}/large`)).toMatchObject({ tier: "Intelligent-Tiering" });
    expect(await described(ssm, `${path}/small`)).toMatchObject({ tier: "Standard" });
    expect(await stored(ssm, `${path}/large`)).toMatchObject({ value: big });
  });

  it("copy and import write a 5 KB value with a tier that holds it", async () => {
    const from = uniquePath("cli-tier-from");
    const to = uniquePath("cli-tier-to");
    const imported = uniquePath("cli-tier-import");
    await putParameter(ssm, `${from}/certificate`, big, "String", { Tier: "Advanced" });
    const file = join(mkdtempSync(join(tmpdir(), "ssm-config-tier-")), "big.json");
    writeFileSync(file, JSON.stringify({ certificate: big }));

    const copied = await runCli(atMoto("copy", from, to));
    const written = await runCli(atMoto("import", imported, file));

    expect(copied.code).toBe(0);
    expect(written.code).toBe(0);
    expect(await described(ssm, `${to}/certificate`)).toMatchObject({
      tier: "Intelligent-Tiering",
    });
    expect(await described(ssm, `${imported}/certificate`)).toMatchObject({
      tier: "Intelligent-Tiering",
    });
  });
});
