import { spawnSync } from "node:child_process";
import { parseEnv } from "node:util";
import { beforeAll, expect, it } from "vitest";
import { awsClients, describeMoto, putParameter, uniquePath } from "../support/aws.js";
import { atMoto, runCli } from "./run-cli.js";

/** Values that need quoting, each in its own parameter. */
const AWKWARD: Record<string, string> = {
  "quote-single": "it's",
  "quote-double": 'say "hi"',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${…} is what this value tests
  "dollar-sign": "$HOME and ${PATH}",
  "back-slash": "C:\\temp\\new",
  multiline: "first line\nsecond line",
  hash: "value # not a comment",
  spaces: "  padded  ",
  empty: " ",
};

describeMoto("ssm-config export", () => {
  const { ssm } = awsClients();
  let root: string;

  beforeAll(async () => {
    root = uniquePath("cli-export");
    await putParameter(ssm, `${root}/db/host`, "db.internal");
    await putParameter(ssm, `${root}/db/max-conn`, "20");
    await putParameter(ssm, `${root}/db/password`, "canary-export-pw", "SecureString");
    await putParameter(ssm, `${root}/origins`, "https://a.example,https://b.example", "StringList");
    await putParameter(ssm, `${root}/feature.flag`, "on");
    for (const [name, value] of Object.entries(AWKWARD)) {
      await putParameter(ssm, `${root}/awkward/${name}`, value);
    }
  });

  it("json (the default) prints the nested object the loader builds, secrets included", async () => {
    const result = await runCli(atMoto("export", `${root}/db`));

    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(JSON.parse(result.stdout)).toEqual({
      host: "db.internal",
      "max-conn": "20",
      password: "canary-export-pw",
    });
  });

  it("json turns a StringList into an array", async () => {
    const result = await runCli(atMoto("export", root, "--format", "json"));

    expect(JSON.parse(result.stdout).origins).toEqual(["https://a.example", "https://b.example"]);
  });

  it("--key-case camel names keys as the library does", async () => {
    const result = await runCli(atMoto("export", `${root}/db`, "--key-case", "camel"));

    expect(JSON.parse(result.stdout)).toEqual({
      host: "db.internal",
      maxConn: "20",
      password: "canary-export-pw",
    });
  });

  it("dotenv names are uppercased with /, - and . turned into _", async () => {
    const result = await runCli(atMoto("export", root, "--format", "dotenv"));

    expect(result.code).toBe(0);
    const names = result.stdout
      .split("\n")
      .filter((line) => /^[A-Z]/.test(line))
      .map((line) => line.slice(0, line.indexOf("=")));
    expect(names).toEqual(
      expect.arrayContaining(["DB_HOST", "DB_MAX_CONN", "DB_PASSWORD", "ORIGINS", "FEATURE_FLAG"]),
    );
    expect(result.stdout).toContain("DB_PASSWORD=canary-export-pw\n");
    expect(result.stdout).toContain("ORIGINS=https://a.example,https://b.example\n");
  });

  it("dotenv values read back intact with a dotenv parser", async () => {
    const result = await runCli(atMoto("export", `${root}/awkward`, "--format", "dotenv"));

    const parsed = parseEnv(result.stdout);
    for (const [name, value] of Object.entries(AWKWARD)) {
      expect(parsed[name.toUpperCase().replace(/-/g, "_")]).toBe(value);
    }
  });

  it("env values read back intact in a POSIX shell", async () => {
    const result = await runCli(atMoto("export", `${root}/awkward`, "--format", "env"));
    const names = Object.keys(AWKWARD).map((name) => name.toUpperCase().replace(/-/g, "_"));

    const shell = spawnSync(
      "sh",
      [
        "-c",
        `${result.stdout}\nnode -e 'process.stdout.write(JSON.stringify(process.argv.slice(1)))' ${names.map((n) => `"$${n}"`).join(" ")}`,
      ],
      { encoding: "utf8", env: { PATH: process.env.PATH } },
    );

    expect(shell.stderr).toBe("");
    expect(JSON.parse(shell.stdout)).toEqual(Object.values(AWKWARD));
  });

  it("two parameters that become the same variable exit with 1 and name both", async () => {
    const clash = uniquePath("cli-clash");
    await putParameter(ssm, `${clash}/db-host`, "a");
    await putParameter(ssm, `${clash}/db.host`, "b");

    const result = await runCli(atMoto("export", clash, "--format", "dotenv"));

    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain(`"${clash}/db-host"`);
    expect(result.stderr).toContain(`"${clash}/db.host"`);
    expect(result.stderr).toContain("DB_HOST");
  });

  it("a name that is both a value and a parent fails json with 1, naming both", async () => {
    const overlap = uniquePath("cli-overlap");
    await putParameter(ssm, `${overlap}/db`, "x");
    await putParameter(ssm, `${overlap}/db/host`, "y");

    const result = await runCli(atMoto("export", overlap));

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${overlap}/db`);
    expect(result.stderr).toContain(`${overlap}/db/host`);
  });

  it.each([["json"], ["dotenv"], ["env"]])(
    "an empty path is an error (exit 1) that names it, format %s",
    async (format) => {
      const result = await runCli(atMoto("export", `${root}/nothing`, "--format", format));

      expect(result.code).toBe(1);
      expect(result.stdout).toBe("");
      expect(result.stderr).toContain(`no parameters under ${root}/nothing`);
      expect(result.stderr).toContain("--allow-empty");
    },
  );

  it("--allow-empty exports an empty object and says so", async () => {
    const result = await runCli(atMoto("export", `${root}/nothing`, "--allow-empty"));

    expect(result).toMatchObject({
      code: 0,
      stdout: "{}\n",
      stderr: `No parameters under ${root}/nothing.\n`,
    });
  });
});
