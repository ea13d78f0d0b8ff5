import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
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

const folder = mkdtempSync(join(tmpdir(), "ssm-config-import-"));

/** Writes a file in the test folder and returns its path. */
function file(name: string, text: string): string {
  const path = join(folder, name);
  writeFileSync(path, text);
  return path;
}

const NESTED = file(
  "config.json",
  JSON.stringify({
    db: { host: "db.internal", port: 5432, password: "canary-import-pw" },
    origins: ["https://a.example", "https://b.example"],
    debug: false,
  }),
);

describeMoto("ssm-config import", () => {
  const { ssm } = awsClients();

  it("writes a nested JSON file as parameters: levels, text, StringList, --secure", async () => {
    const path = uniquePath("cli-import");

    const result = await runCli(atMoto("import", path, NESTED, "--secure", "db.password"));

    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        `added     ${path}/db/host (String)`,
        `added     ${path}/db/password (SecureString)`,
        `added     ${path}/db/port (String)`,
        `added     ${path}/debug (String)`,
        `added     ${path}/origins (StringList)`,
        "",
      ].join("\n"),
    );
    expect(result.stdout + result.stderr).not.toContain("canary-import-pw");
    expect(await stored(ssm, `${path}/db/password`)).toMatchObject({
      value: "canary-import-pw",
      type: "SecureString",
    });
    expect(await stored(ssm, `${path}/db/port`)).toMatchObject({ value: "5432", type: "String" });
    expect(await stored(ssm, `${path}/origins`)).toMatchObject({
      value: "https://a.example,https://b.example",
      type: "StringList",
    });
  });

  it("leaves values that already hold the same value alone: a re-run writes no new version", async () => {
    const path = uniquePath("cli-import");
    await runCli(atMoto("import", path, NESTED, "--secure", "db.password"));
    await putParameter(ssm, `${path}/db/host`, "changed-by-hand");

    const result = await runCli(atMoto("import", path, NESTED, "--secure", "db.password"));

    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`updated   ${path}/db/host (String)`);
    expect(result.stdout).toContain(`unchanged ${path}/db/password (SecureString)`);
    expect(result.stderr).toContain("Done: 0 added, 1 updated, 4 unchanged, 0 removed.");
    expect(await stored(ssm, `${path}/db/password`)).toMatchObject({ version: 1 });
    expect(await stored(ssm, `${path}/db/host`)).toMatchObject({ value: "db.internal" });
  });

  it("a SecureString stays one even when --secure does not name it", async () => {
    const path = uniquePath("cli-import");
    await putParameter(ssm, `${path}/db/password`, "old", "SecureString");

    await runCli(atMoto("import", path, NESTED));

    expect(await stored(ssm, `${path}/db/password`)).toMatchObject({
      value: "canary-import-pw",
      type: "SecureString",
    });
  });

  it("reads dotenv files as Node's --env-file does, one level under the path", async () => {
    const path = uniquePath("cli-import");
    const env = file(
      "app.env",
      "# comment\nDB_HOST=db.internal\nGREETING='hello world'\nAPI_KEY=canary-dotenv\n",
    );

    const result = await runCli(atMoto("import", path, env, "--secure", "API_KEY"));

    expect(result.code).toBe(0);
    expect(await stored(ssm, `${path}/GREETING`)).toMatchObject({ value: "hello world" });
    expect(await stored(ssm, `${path}/API_KEY`)).toMatchObject({ type: "SecureString" });
  });

  it("--dry-run prints the plan and writes nothing", async () => {
    const path = uniquePath("cli-import");

    const result = await runCli(atMoto("import", path, NESTED, "--dry-run"));

    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`added     ${path}/db/host (String)`);
    expect(result.stderr).toContain("Dry run: nothing was written.");
    expect(await stored(ssm, `${path}/db/host`)).toBeUndefined();
  });

  it.each([
    ['{"a":null}', "a is null"],
    ['{"a":""}', "a is empty"],
    ['{"a":["x,y"]}', "a[0] is empty or holds a comma"],
    ['{"a b":"x"}', 'key "a b" cannot be part of a parameter name'],
    ["[1]", "must hold a JSON object"],
  ])("refuses %s before writing anything", async (text, message) => {
    const path = uniquePath("cli-import");
    const bad = file(`bad-${Math.random().toString(36).slice(2)}.json`, text);

    const result = await runCli(atMoto("import", path, bad));

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it("--secure naming a key the file lacks is a usage error", async () => {
    const result = await runCli(
      atMoto("import", uniquePath("cli-import"), NESTED, "--secure", "db.pasword"),
    );

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--secure db.pasword: no such key");
  });

  describe("under throttling", () => {
    let proxy: Awaited<ReturnType<typeof startFaultProxy>> | undefined;
    afterAll(async () => {
      await proxy?.close();
    });

    it("backs off and finishes: every value written, and throttled requests were retried", async () => {
      proxy = await startFaultProxy({ target: motoEndpoint, throttleFraction: 0.4, seed: 7 });
      const path = uniquePath("cli-import-throttled");
      const many = file(
        "many.json",
        JSON.stringify(
          Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`k${i}`, `v${i}`])),
        ),
      );

      const result = await runCli(["import", "--endpoint", proxy.endpoint, path, many], {
        timeoutMs: 120_000,
      });

      expect(result.code).toBe(0);
      expect(proxy.stats.throttled).toBeGreaterThan(0);
      for (let i = 0; i < 12; i++) {
        expect(await stored(ssm, `${path}/k${i}`)).toMatchObject({ value: `v${i}`, version: 1 });
      }
    }, 130_000);
  });
});
