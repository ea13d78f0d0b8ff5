import { DeleteParameterCommand } from "@aws-sdk/client-ssm";
import { expect, it } from "vitest";
import { awsClients, describeMoto, putParameter, uniquePath } from "../support/aws.js";
import { freePort } from "../support/moto-server.js";
import { atMoto, runCli, startCli } from "./run-cli.js";

const TIME = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z";

describeMoto("ssm-config watch", () => {
  const { ssm } = awsClients();

  it("prints one line per change (time, key, kind, old and new version) until SIGINT", async () => {
    const root = uniquePath("cli-watch");
    await putParameter(ssm, `${root}/db/host`, "one.internal");
    await putParameter(ssm, `${root}/old`, "going away");
    const watching = startCli(atMoto("watch", root, "--interval", "1000"), { timeoutMs: 25_000 });
    await watching.waitFor("stderr", /Watching .*\(2 parameters\)/);

    await putParameter(ssm, `${root}/db/host`, "two.internal");
    await putParameter(ssm, `${root}/new`, "fresh");
    await ssm.send(new DeleteParameterCommand({ Name: `${root}/old` }));
    await watching.waitFor(
      "stdout",
      /db\.host updated[\s\S]*new added|new added[\s\S]*db\.host updated/,
    );
    await watching.waitFor("stdout", /old removed/);
    watching.child.kill("SIGINT");
    const result = await watching.exited;

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^${TIME} db\\.host updated 1 -> 2$`, "m"));
    expect(result.stdout).toMatch(new RegExp(`^${TIME} new added - -> 1$`, "m"));
    expect(result.stdout).toMatch(new RegExp(`^${TIME} old removed 1 -> -$`, "m"));
    expect(result.stdout).not.toMatch(/internal|fresh|going away/);
  });

  it("never prints a sensitive value, and stops on SIGTERM with 0", async () => {
    const root = uniquePath("cli-watch-secret");
    await putParameter(ssm, `${root}/password`, "canary-watch-1", "SecureString");
    const watching = startCli(atMoto("watch", root, "--interval", "1000", "--json"), {
      timeoutMs: 25_000,
    });
    await watching.waitFor("stderr", /Watching/);

    await putParameter(ssm, `${root}/password`, "canary-watch-2", "SecureString");
    await watching.waitFor("stdout", /"kind":"updated"/);
    watching.child.kill("SIGTERM");
    const result = await watching.exited;

    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout.trim())).toEqual({
      time: expect.stringMatching(new RegExp(`^${TIME}$`)),
      key: "password",
      parameter: `${root}/password`,
      kind: "updated",
      previousVersion: 1,
      version: 2,
    });
    expect(result.stdout + result.stderr).not.toContain("canary-watch");
  });

  it("an unreachable endpoint exits with 3 before watching", async () => {
    const endpoint = `http://127.0.0.1:${await freePort()}`;

    const result = await runCli(["watch", "/app", "--endpoint", endpoint]);

    expect(result.code).toBe(3);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("ECONNREFUSED");
  });
});
