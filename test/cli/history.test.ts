import { LabelParameterVersionCommand } from "@aws-sdk/client-ssm";
import { beforeAll, expect, it } from "vitest";
import { awsClients, describeMoto, putParameter, uniquePath } from "../support/aws.js";
import { atMoto, runCli } from "./run-cli.js";

const DATE = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z";

describeMoto("ssm-config history", () => {
  const { ssm } = awsClients();
  let root: string;

  beforeAll(async () => {
    root = uniquePath("cli-history");
    await putParameter(ssm, `${root}/host`, "one.internal");
    await putParameter(ssm, `${root}/host`, "two.internal");
    await putParameter(ssm, `${root}/host`, "three.internal");
    await ssm.send(
      new LabelParameterVersionCommand({
        Name: `${root}/host`,
        ParameterVersion: 2,
        Labels: ["stable", "blue"],
      }),
    );
    await putParameter(ssm, `${root}/password`, "canary-history-1", "SecureString");
    await putParameter(ssm, `${root}/password`, "canary-history-2", "SecureString");
  });

  it("prints every version, oldest first: version, date, user, labels, value", async () => {
    const result = await runCli(atMoto("history", `${root}/host`));

    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
    const lines = result.stdout.trim().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(new RegExp(`^1\\t${DATE}\\t[^\\t]+\\t-\\tone\\.internal$`));
    expect(lines[1]).toMatch(new RegExp(`^2\\t${DATE}\\t[^\\t]+\\tstable,blue\\ttwo\\.internal$`));
    expect(lines[2]).toMatch(/^3\t.*\tthree\.internal$/);
  });

  it("redacts SecureString values unless --reveal is given", async () => {
    const hidden = await runCli(atMoto("history", `${root}/password`));
    const shown = await runCli(atMoto("history", `${root}/password`, "--reveal"));

    expect(
      hidden.stdout
        .trim()
        .split("\n")
        .map((line) => line.split("\t")[4]),
    ).toEqual(["[REDACTED]", "[REDACTED]"]);
    expect(hidden.stdout).not.toContain("canary-history");
    expect(
      shown.stdout
        .trim()
        .split("\n")
        .map((line) => line.split("\t")[4]),
    ).toEqual(["canary-history-1", "canary-history-2"]);
  });

  it("--json prints an array of versions", async () => {
    const result = await runCli(atMoto("history", `${root}/host`, "--json"));

    const versions = JSON.parse(result.stdout) as Array<Record<string, unknown>>;
    expect(versions.map((entry) => entry.version)).toEqual([1, 2, 3]);
    expect(versions[1]).toEqual({
      version: 2,
      lastModified: expect.stringMatching(new RegExp(`^${DATE}$`)),
      user: expect.any(String),
      labels: ["stable", "blue"],
      type: "String",
      value: "two.internal",
    });
  });

  it("a name that does not exist exits with 3 and names it", async () => {
    const result = await runCli(atMoto("history", `${root}/missing`));

    expect(result.code).toBe(3);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(`ssm-config: parameter "${root}/missing" was not found\n`);
  });
});
