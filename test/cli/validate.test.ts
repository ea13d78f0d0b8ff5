import { join } from "node:path";
import { beforeAll, expect, it } from "vitest";
import { awsClients, describeMoto, putParameter, uniquePath } from "../support/aws.js";
import { freePort } from "../support/moto-server.js";
import { atMoto, FIXTURES, runCli } from "./run-cli.js";

const fixture = (name: string) => join(FIXTURES, name);

describeMoto("ssm-config validate", () => {
  const { ssm } = awsClients();
  let good: string;
  let bad: string;

  beforeAll(async () => {
    good = uniquePath("cli-valid");
    await putParameter(ssm, `${good}/db/host`, "db.internal");
    await putParameter(ssm, `${good}/db/port`, "5432");
    await putParameter(ssm, `${good}/db/password`, "canary-valid-pw", "SecureString");
    await putParameter(ssm, `${good}/level`, "info");
    await putParameter(ssm, `${good}/region`, "eu-west-1");
    await putParameter(ssm, `${good}/retries`, "3");
    bad = uniquePath("cli-invalid");
    await putParameter(ssm, `${bad}/db/host`, "db.internal");
    await putParameter(ssm, `${bad}/db/port`, "not-a-port");
    await putParameter(ssm, `${bad}/db/password`, "short", "SecureString");
    await putParameter(ssm, `${bad}/level`, "verbose");
  });

  it("exits with 0 when Parameter Store matches the schema, saying so on stderr", async () => {
    const result = await runCli(
      atMoto("validate", "--schema", fixture("app-schema.mjs"), "--path", good),
    );

    expect(result.code).toBe(0);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/^OK: .* matches the schema/);
  });

  it("prints every issue as the library reports it and exits with 1", async () => {
    const result = await runCli(
      atMoto("validate", "--schema", fixture("app-schema.mjs"), "--path", bad),
    );

    expect(result.code).toBe(1);
    const lines = result.stdout.trim().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^db\\.port \\(${bad}/db/port\\): `)),
        expect.stringMatching(new RegExp(`^db\\.password \\(${bad}/db/password\\): `)),
        expect.stringMatching(new RegExp(`^level \\(${bad}/level\\): `)),
      ]),
    );
    expect(result.stderr).toContain("3 issues");
    expect(result.stdout + result.stderr).not.toContain("short");
  });

  it("--json prints the issues as an array of { key, parameter, message }", async () => {
    const result = await runCli(
      atMoto("validate", "--schema", fixture("app-schema.mjs"), "--path", bad, "--json"),
    );

    expect(result.code).toBe(1);
    const issues = JSON.parse(result.stdout) as Array<Record<string, unknown>>;
    expect(issues.map((issue) => issue.key).sort()).toEqual(["db.password", "db.port", "level"]);
    expect(issues[0]).toEqual({
      key: expect.any(String),
      parameter: expect.any(String),
      message: expect.any(String),
    });
  });

  it("a missing parameter is an issue that names it", async () => {
    const partial = uniquePath("cli-partial");
    await putParameter(ssm, `${partial}/level`, "info");

    const result = await runCli(
      atMoto("validate", "--schema", fixture("app-schema.mjs"), "--path", partial),
    );

    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^db: /m);
  });

  it("never prints a secret, even when the schema's message echoes it", async () => {
    const root = uniquePath("cli-echo");
    await putParameter(ssm, `${root}/token`, "canary-echo-secret", "SecureString");

    const result = await runCli(
      atMoto("validate", "--schema", fixture("echoing-schema.mjs"), "--path", root),
    );

    expect(result.code).toBe(1);
    expect(result.stdout).toContain("[REDACTED]");
    expect(result.stdout + result.stderr).not.toContain("canary-echo-secret");
  });

  it("#export picks a named schema", async () => {
    const strict = await runCli(
      atMoto("validate", "--schema", `${fixture("named-schemas.mjs")}#Strict`, "--path", bad),
    );
    const loose = await runCli(
      atMoto("validate", "--schema", `${fixture("named-schemas.mjs")}#Loose`, "--path", bad),
    );

    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(/^region: /m);
    expect(loose.code).toBe(0);
  });

  it("a module path is resolved against the working directory", async () => {
    const result = await runCli(
      atMoto("validate", "--schema", "./app-schema.mjs", "--path", good),
      { cwd: FIXTURES },
    );

    expect(result.code).toBe(0);
  });

  it("imports a TypeScript schema module (through jiti: nothing to install)", async () => {
    const result = await runCli(
      atMoto("validate", "--schema", `${fixture("app-schema.ts")}#Config`, "--path", good),
    );

    expect(result.stderr).toMatch(/^OK: /);
    expect(result.code).toBe(0);
  });

  it("uses the module's own `path` export when --path is absent", async () => {
    const result = await runCli(atMoto("validate", "--schema", fixture("self-mapped.mjs")), {
      env: { SSM_CONFIG_FIXTURE_PATH: bad },
    });

    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(new RegExp(`^level \\(${bad}/level\\): `));
  });

  it("--key-case camel maps names as the library does", async () => {
    const root = uniquePath("cli-camel");
    await putParameter(ssm, `${root}/log-level`, "info");

    const preserved = await runCli(
      atMoto("validate", "--schema", fixture("self-mapped.mjs"), "--path", root),
    );
    const camel = await runCli(
      atMoto(
        "validate",
        "--schema",
        fixture("self-mapped.mjs"),
        "--path",
        root,
        "--key-case",
        "camel",
      ),
    );

    expect(preserved.code).toBe(1);
    expect(camel.code).toBe(1);
    expect(camel.stdout).toMatch(/^level: /m);
  });

  it.each([
    [
      "a module that does not exist",
      ["--schema", "./no-such-schema.mjs", "--path", "/app"],
      "schema module not found",
    ],
    [
      "a module that exports no schema",
      ["--schema", fixture("no-schema.mjs"), "--path", "/app"],
      "exports no schema (it exports configure, level)",
    ],
    [
      "a named export that does not exist",
      ["--schema", `${fixture("named-schemas.mjs")}#Missing`, "--path", "/app"],
      'has no export "Missing"',
    ],
    [
      "a named export that is not a schema",
      ["--schema", `${fixture("named-schemas.mjs")}#unrelated`, "--path", "/app"],
      'export "unrelated"',
    ],
    [
      "a module with several schemas and no #export",
      ["--schema", fixture("named-schemas.mjs"), "--path", "/app"],
      "exports several schemas (Loose, Strict)",
    ],
    [
      "a module that throws when imported",
      ["--schema", fixture("throws.mjs"), "--path", "/app"],
      "this module cannot be imported",
    ],
    ["no path and none exported", ["--schema", fixture("app-schema.mjs")], "nothing to read"],
    [
      "a malformed path",
      ["--schema", fixture("app-schema.mjs"), "--path", "app"],
      'must start with "/"',
    ],
  ])("%s exits with 2", async (_case, args, message) => {
    const result = await runCli(atMoto("validate", ...args));

    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain(message);
  });

  it("an unreachable endpoint exits with 3", async () => {
    const endpoint = `http://127.0.0.1:${await freePort()}`;

    const result = await runCli([
      "validate",
      "--schema",
      fixture("app-schema.mjs"),
      "--path",
      "/app",
      "--endpoint",
      endpoint,
    ]);

    expect(result.code).toBe(3);
    expect(result.stderr).toContain("ECONNREFUSED");
  });
});
