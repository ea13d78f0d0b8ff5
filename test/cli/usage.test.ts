import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { freePort } from "../support/moto-server.js";
import { runCli } from "./run-cli.js";

const COMMANDS = [
  "get",
  "list",
  "export",
  "exec",
  "watch",
  "validate",
  "history",
  "diff",
  "put",
  "import",
  "copy",
  "rollback",
  "delete",
  "iam-policy",
  "completion",
];

describe.concurrent("help and version", () => {
  it("--version prints the package version on stdout", async () => {
    const { version } = JSON.parse(
      readFileSync(new URL("../../package.json", import.meta.url), "utf8"),
    ) as { version: string };

    const result = await runCli(["--version"]);

    expect(result).toMatchObject({ code: 0, stdout: `${version}\n`, stderr: "" });
  });

  it("--help lists every command and the exit codes on stdout", async () => {
    const result = await runCli(["--help"]);

    expect(result.code).toBe(0);
    for (const command of COMMANDS)
      expect(result.stdout).toMatch(new RegExp(`^  ${command} `, "m"));
    expect(result.stdout).toContain("3 AWS or network error");
    expect(result.stderr).toBe("");
  });

  it.each(COMMANDS)("%s --help prints the command's usage and exits with 0", async (command) => {
    const result = await runCli([command, "--help"]);

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^Usage: ssm-config ${command}`));
    expect(result.stdout).toContain("--endpoint <url>");
    expect(result.stderr).toBe("");
  });

  it("help <command> is the same as <command> --help", async () => {
    const [viaHelp, viaFlag] = await Promise.all([
      runCli(["help", "diff"]),
      runCli(["diff", "--help"]),
    ]);

    expect(viaHelp.code).toBe(0);
    expect(viaHelp.stdout).toBe(viaFlag.stdout);
  });

  it("--help wins over missing arguments", async () => {
    const result = await runCli(["get", "-h"]);

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: ssm-config get <name>/);
  });
});

describe.concurrent("usage errors exit with 2 and say what is wrong on stderr", () => {
  it("no command prints the usage on stderr", async () => {
    const result = await runCli([]);

    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("Usage: ssm-config <command>");
  });

  it("an unknown command", async () => {
    const result = await runCli(["fetch", "/app"]);

    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain('unknown command "fetch"');
    expect(result.stderr).toContain('Run "ssm-config --help"');
  });

  it.each([
    [["get"], "missing argument <name>"],
    [["list"], "missing argument <path>"],
    [["history"], "missing argument <name>"],
    [["diff", "/a"], "missing argument <pathB>"],
    [["watch"], "missing argument <path>"],
    [["export"], "missing argument <path>"],
    [["exec", "--", "env"], "missing argument <path>"],
    [["exec", "/a", "env"], 'missing "--"'],
    [["exec", "/a", "--"], "missing the command"],
    [["validate", "--path", "/a"], "missing --schema"],
  ])("%j: %s", async (args, message) => {
    const result = await runCli(args);

    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain(`Run "ssm-config ${args[0]} --help" for usage.`);
  });

  it.each([
    [["get", "/a", "/b"], 'unexpected argument "/b"'],
    [["get", "/a", "--bogus"], "ssm-config: unknown option --bogus\n"],
    [["list", "/a", "--format", "json"], "ssm-config: unknown option --format\n"],
    [["get", "/a", "--endpoint"], "ssm-config: --endpoint needs a value\n"],
    [["list", "--path", "/a"], "ssm-config: unknown option --path\n"],
    [["validate", "--schema", "--path", "/a"], "ssm-config: --schema needs a value\n"],
    [["get", "/a", "--reveal=yes"], "ssm-config: --reveal takes no value\n"],
    [["history", "/a/b:stable"], "give its name without the selector (:stable)"],
    [["put", "/a/b:3", "v"], "a version or label selector"],
    [["rollback", "/a/b"], "missing --to <version>"],
    [["rollback", "/a/b", "--to", "latest"], "--to must be a version number"],
    [["delete"], "missing argument <name> (or --path <path>)"],
    [["delete", "/a", "--path", "/b"], "give either names or --path, not both"],
    [["copy", "/a", "/a/b"], "overlap"],
    [["iam-policy"], "missing --path <path>"],
    [["iam-policy", "--path", "/a", "--topic", "nope"], "--topic must be an SNS topic ARN"],
    [["completion", "tcsh"], "the shell must be one of bash, zsh, fish"],
    [["export", "/a", "--format", "yaml"], "--format must be one of json, dotenv, env"],
    [
      ["export", "/a", "--format", "env", "--key-case", "camel"],
      "--key-case applies to --format json only",
    ],
    [["export", "/a", "--key-case", "snake"], "--key-case must be one of preserve, camel"],
    [["watch", "/a", "--interval", "soon"], "--interval must be a whole number"],
    [["watch", "/a", "--interval", "200"], "at least 1000"],
    [["list", "app/prod"], 'a path starts with "/"'],
    [["diff", "/a", "/b//c"], 'single "/" separators'],
    [["get", "/a", "--endpoint", "not a url"], "--endpoint must be an http or https URL"],
  ])("%j: %s", async (args, message) => {
    const result = await runCli(args);

    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain(message);
  });
});

describe.concurrent("an unreachable endpoint exits with 3 and one line on stderr", () => {
  it.each([
    ["get", "/app/x"],
    ["list", "/app"],
    ["export", "/app"],
    ["history", "/app/x"],
  ])("%s", async (command, argument) => {
    const endpoint = `http://127.0.0.1:${await freePort()}`;

    const result = await runCli([command, argument, "--endpoint", endpoint]);

    expect(result.code).toBe(3);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/^ssm-config: .*ECONNREFUSED.*\n$/);
  });

  it("--debug adds the stack", async () => {
    const endpoint = `http://127.0.0.1:${await freePort()}`;

    const result = await runCli(["get", "/app/x", "--endpoint", endpoint, "--debug"]);

    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/\n\s+at /);
  });

  it("parseArgs' own wording never reaches the user", async () => {
    const result = await runCli(["list", "/a", "--bogus"]);

    expect(result.stderr).not.toMatch(/Unknown option '|To specify a positional argument/);
  });

  it("AWS_ENDPOINT_URL is used when --endpoint is absent", async () => {
    const endpoint = `http://127.0.0.1:${await freePort()}`;

    const result = await runCli(["get", "/app/x"], { env: { AWS_ENDPOINT_URL: endpoint } });

    expect(result.code).toBe(3);
    expect(result.stderr).toContain(endpoint.replace("http://", ""));
  });
});
