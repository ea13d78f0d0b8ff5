import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/program.js";
import {
  awsClients,
  describeMoto,
  motoEndpoint,
  putParameter,
  uniquePath,
} from "../support/aws.js";
import { stored } from "./writing-support.js";

/** A terminal stand-in: standard input that says it is a TTY and holds the user's answer. */
function terminal(answer: string) {
  const stdin = Object.assign(new PassThrough(), { isTTY: true });
  stdin.end(answer);
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  stderr.on("data", (chunk: Buffer) => {
    err += chunk.toString();
  });
  return {
    io: { stdin, stdout, stderr, env: {}, cwd: process.cwd() },
    output: () => ({ stdout: out, stderr: err }),
  };
}

describeMoto("delete asks on a terminal", () => {
  const { ssm } = awsClients();
  // The SDK reads credentials from this process's environment; moto accepts any.
  const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
  beforeAll(() => {
    process.env.AWS_ACCESS_KEY_ID = "testing";
    process.env.AWS_SECRET_ACCESS_KEY = "testing";
  });
  afterAll(() => {
    for (const [name, value] of [
      ["AWS_ACCESS_KEY_ID", saved.id],
      ["AWS_SECRET_ACCESS_KEY", saved.secret],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it("deletes when the user answers yes", async () => {
    const name = `${uniquePath("cli-confirm")}/x`;
    await putParameter(ssm, name, "v");
    const { io, output } = terminal("yes\n");

    const code = await runCli(["delete", "--endpoint", motoEndpoint, name], io);

    expect(code).toBe(0);
    expect(output().stderr).toContain('Delete 1 parameter? Type "yes" to confirm:');
    expect(await stored(ssm, name)).toBeUndefined();
  });

  it("refuses (exit 2) and deletes nothing when the user answers anything else", async () => {
    const name = `${uniquePath("cli-confirm")}/x`;
    await putParameter(ssm, name, "v");
    const { io, output } = terminal("no\n");

    const code = await runCli(["delete", "--endpoint", motoEndpoint, name], io);

    expect(code).toBe(2);
    expect(output().stderr).toContain("Nothing was deleted.");
    expect(await stored(ssm, name)).toBeDefined();
  });
});

describe("put on a terminal", () => {
  it("refuses to read the value from a terminal, which would show it, before any call", async () => {
    const { io, output } = terminal("canary-typed-secret\n");

    // No endpoint is reachable here: a call to AWS would fail with exit 3, not 2.
    const code = await runCli(
      ["put", "--endpoint", "http://127.0.0.1:9", "/app/x/token", "--type", "SecureString"],
      io,
    );

    expect(code).toBe(2);
    expect(output().stderr).toContain("not reading the value of /app/x/token from a terminal");
    expect(output().stderr).toContain("pipe it in");
    expect(output().stdout + output().stderr).not.toContain("canary-typed-secret");
  });
});
