import { beforeAll, expect, it } from "vitest";
import { awsClients, describeMoto, putParameter, uniquePath } from "../support/aws.js";
import { atMoto, runCli } from "./run-cli.js";

describeMoto("ssm-config list", () => {
  const { ssm } = awsClients();
  let root: string;

  beforeAll(async () => {
    root = uniquePath("cli-list");
    await putParameter(ssm, `${root}/level`, "info");
    await putParameter(ssm, `${root}/db/host`, "db.internal");
    await putParameter(ssm, `${root}/db/host`, "db2.internal");
    await putParameter(ssm, `${root}/db/password`, "canary-list-pw", "SecureString");
    await putParameter(ssm, `${root}/deep/a/b/c`, "x,y", "StringList");
    await putParameter(ssm, `${root}/motd`, "line one\nline two");
    await putParameter(ssm, `${root}-sibling/level`, "not under the path");
  });

  it("prints one tab-separated line per parameter under the path, recursively, sorted", async () => {
    const result = await runCli(atMoto("list", root));

    expect(result.code).toBe(0);
    expect(result.stdout.split("\n")).toEqual([
      `${root}/db/host\tString\t2\tdb2.internal`,
      `${root}/db/password\tSecureString\t1\t[REDACTED]`,
      `${root}/deep/a/b/c\tStringList\t1\tx,y`,
      `${root}/level\tString\t1\tinfo`,
      `${root}/motd\tString\t1\t"line one\\nline two"`,
      "",
    ]);
  });

  it("shows no progress when stderr is not a terminal", async () => {
    const result = await runCli(atMoto("list", root));

    expect(result.stderr).toBe("");
  });

  it("--reveal prints sensitive values", async () => {
    const result = await runCli(atMoto("list", root, "--reveal"));

    expect(result.stdout).toContain(`${root}/db/password\tSecureString\t1\tcanary-list-pw\n`);
  });

  it("--json prints an array of { name, type, version, lastModified, value }", async () => {
    const result = await runCli(atMoto("list", `${root}/db`, "--json"));

    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([
      {
        name: `${root}/db/host`,
        type: "String",
        version: 2,
        lastModified: expect.any(String),
        value: "db2.internal",
      },
      {
        name: `${root}/db/password`,
        type: "SecureString",
        version: 1,
        lastModified: expect.any(String),
        value: "[REDACTED]",
      },
    ]);
    expect(result.stdout).not.toContain("canary-list-pw");
  });

  it("a path with nothing under it prints nothing and says so on stderr", async () => {
    const result = await runCli(atMoto("list", `${root}/nothing-here`));

    expect(result).toMatchObject({
      code: 0,
      stdout: "",
      stderr: `No parameters under ${root}/nothing-here.\n`,
    });
  });

  it("accepts a trailing slash", async () => {
    const result = await runCli(atMoto("list", `${root}/db/`));

    expect(result.stdout.trim().split("\n")).toHaveLength(2);
  });
});
