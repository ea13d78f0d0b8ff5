import { beforeAll, expect, it } from "vitest";
import { awsClients, describeMoto, putParameter, uniquePath } from "../support/aws.js";
import { atMoto, runCli } from "./run-cli.js";

describeMoto("ssm-config diff", () => {
  const { ssm } = awsClients();
  let staging: string;
  let prod: string;
  let twin: string;

  beforeAll(async () => {
    staging = uniquePath("cli-diff-staging");
    prod = uniquePath("cli-diff-prod");
    twin = uniquePath("cli-diff-twin");
    for (const [root, host, password] of [
      [staging, "staging.internal", "canary-diff-staging"],
      [prod, "prod.internal", "canary-diff-prod"],
      [twin, "staging.internal", "canary-diff-staging"],
    ] as const) {
      await putParameter(ssm, `${root}/db/host`, host);
      await putParameter(ssm, `${root}/db/password`, password, "SecureString");
      await putParameter(ssm, `${root}/level`, "info");
    }
    await putParameter(ssm, `${staging}/debug/toolbar`, "on");
    await putParameter(ssm, `${prod}/cdn/url`, "https://cdn.example");
    await putParameter(ssm, `${staging}/origins`, "a,b");
    await putParameter(ssm, `${prod}/origins`, "a,b", "StringList");
  });

  it("lists keys only in A, only in B, and values that differ; exits with 1", async () => {
    const result = await runCli(atMoto("diff", staging, prod));

    expect(result.code).toBe(1);
    expect(result.stdout.split("\n")).toEqual([
      `- debug/toolbar (only in ${staging})`,
      `+ cdn/url (only in ${prod})`,
      '~ db/host: "staging.internal" -> "prod.internal"',
      "~ db/password: differs",
      '~ origins: "a,b" (String) -> "a,b" (StringList)',
      "",
    ]);
    expect(result.stderr).toBe(`5 differences between ${staging} and ${prod}.\n`);
  });

  it("never prints a sensitive value", async () => {
    const result = await runCli(atMoto("diff", staging, prod, "--json"));

    expect(result.stdout + result.stderr).not.toContain("canary-diff");
  });

  it("--json prints { onlyInA, onlyInB, differs }", async () => {
    const result = await runCli(atMoto("diff", staging, prod, "--json"));

    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual({
      onlyInA: ["debug/toolbar"],
      onlyInB: ["cdn/url"],
      differs: [
        {
          key: "db/host",
          sensitive: false,
          a: { type: "String", value: "staging.internal" },
          b: { type: "String", value: "prod.internal" },
        },
        {
          key: "db/password",
          sensitive: true,
          a: { type: "SecureString" },
          b: { type: "SecureString" },
        },
        {
          key: "origins",
          sensitive: false,
          a: { type: "String", value: "a,b" },
          b: { type: "StringList", value: "a,b" },
        },
      ],
    });
  });

  it("identical paths print nothing on stdout and exit with 0", async () => {
    const result = await runCli(atMoto("diff", `${staging}/db`, `${twin}/db`));

    expect(result).toMatchObject({
      code: 0,
      stdout: "",
      stderr: `No differences between ${staging}/db and ${twin}/db.\n`,
    });
  });

  it("a path with nothing under it differs by every key of the other", async () => {
    const result = await runCli(atMoto("diff", `${staging}/db`, `${staging}/nothing`));

    expect(result.code).toBe(1);
    expect(result.stdout).toBe(
      `- host (only in ${staging}/db)\n- password (only in ${staging}/db)\n`,
    );
  });
});
