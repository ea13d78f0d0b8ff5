import { beforeAll, expect, it } from "vitest";
import { awsClients, describeMoto, putParameter, uniquePath } from "../support/aws.js";
import { atMoto, runCli, startCli } from "./run-cli.js";

const node = process.execPath;

/** A child that prints the named variables as JSON. */
function printEnv(...names: string[]): string[] {
  return [
    node,
    "-e",
    `process.stdout.write(JSON.stringify(Object.fromEntries(${JSON.stringify(names)}.map((n) => [n, process.env[n] ?? null]))))`,
  ];
}

/** A child that announces itself, then exits with `code` when it receives `signal`. */
function trapping(signal: string, code: number): string[] {
  return [
    node,
    "-e",
    `process.on(${JSON.stringify(signal)}, () => { process.stdout.write("child got ${signal}\\n"); process.exit(${code}); }); process.stdout.write("child ready\\n"); setInterval(() => {}, 1000);`,
  ];
}

describeMoto("ssm-config exec", () => {
  const { ssm } = awsClients();
  let base: string;
  let override: string;

  beforeAll(async () => {
    base = uniquePath("cli-exec-base");
    override = uniquePath("cli-exec-override");
    await putParameter(ssm, `${base}/db/host`, "base.internal");
    await putParameter(ssm, `${base}/db/password`, "canary-exec-pw", "SecureString");
    await putParameter(ssm, `${base}/log-level`, "info");
    await putParameter(ssm, `${override}/log-level`, "debug");
  });

  it("runs the command with the parameters in its environment, secrets decrypted", async () => {
    const result = await runCli(
      atMoto("exec", base, "--", ...printEnv("DB_HOST", "DB_PASSWORD", "LOG_LEVEL", "PATH")),
    );

    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
    expect(JSON.parse(result.stdout)).toEqual({
      DB_HOST: "base.internal",
      DB_PASSWORD: "canary-exec-pw",
      LOG_LEVEL: "info",
      PATH: process.env.PATH,
    });
  });

  it("a later path wins", async () => {
    const result = await runCli(
      atMoto("exec", base, override, "--", ...printEnv("DB_HOST", "LOG_LEVEL")),
    );

    expect(JSON.parse(result.stdout)).toEqual({ DB_HOST: "base.internal", LOG_LEVEL: "debug" });
  });

  it("parameters override variables already set", async () => {
    const result = await runCli(atMoto("exec", base, "--", ...printEnv("LOG_LEVEL")), {
      env: { LOG_LEVEL: "from-the-shell" },
    });

    expect(JSON.parse(result.stdout)).toEqual({ LOG_LEVEL: "info" });
  });

  it("the command's arguments are passed through untouched, options included", async () => {
    const result = await runCli(
      atMoto(
        "exec",
        base,
        "--",
        node,
        "-e",
        "console.log(process.argv.slice(1).join('|'))",
        "--",
        "--json",
        "-x",
      ),
    );

    expect(result.stdout).toBe("--json|-x\n");
  });

  it("the command's exit code becomes ours", async () => {
    const result = await runCli(atMoto("exec", base, "--", node, "-e", "process.exit(7)"));

    expect(result.code).toBe(7);
  });

  it.each([
    ["SIGTERM", 42],
    ["SIGINT", 43],
  ] as const)("forwards %s to the command", async (signal, code) => {
    const running = startCli(atMoto("exec", base, "--", ...trapping(signal, code)));
    await running.waitFor("stdout", /child ready/);

    running.child.kill(signal);
    const result = await running.exited;

    expect(result.stdout).toContain(`child got ${signal}`);
    expect(result.code).toBe(code);
  });

  it("a command that does not exist exits with 127", async () => {
    const result = await runCli(atMoto("exec", base, "--", "no-such-command-ssm-config"));

    expect(result.code).toBe(127);
    expect(result.stderr).toContain("command not found: no-such-command-ssm-config");
  });

  it("a path with nothing under it is an error (exit 1) and runs nothing", async () => {
    const empty = uniquePath("cli-exec-empty");

    const result = await runCli(atMoto("exec", empty, "--", node, "-e", "console.log('ran')"));

    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain(`no parameters under ${empty}; nothing was run`);
  });

  it("--allow-empty runs the command anyway and says so on stderr", async () => {
    const empty = uniquePath("cli-exec-empty");

    const result = await runCli(
      atMoto("exec", empty, "--allow-empty", "--", node, "-e", "console.log('ran')"),
    );

    expect(result).toMatchObject({
      code: 0,
      stdout: "ran\n",
      stderr: `No parameters under ${empty}.\n`,
    });
  });

  it("a failure to read a path exits with 3 and runs nothing", async () => {
    const result = await runCli([
      "exec",
      base,
      "--endpoint",
      "http://127.0.0.1:9",
      "--",
      node,
      "-e",
      "console.log('ran')",
    ]);

    expect(result.code).toBe(3);
    expect(result.stdout).toBe("");
  });
});
