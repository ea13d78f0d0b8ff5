import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { awsClients, describeMoto, putParameter, uniquePath } from "../support/aws.js";
import { atMoto, FIXTURES, runCli } from "./run-cli.js";

describe("an endpoint that does not speak Parameter Store", () => {
  let server: Server;
  let endpoint: string;

  beforeAll(async () => {
    server = createServer((request, response) => {
      if (request.url === "/json") {
        response.writeHead(200, { "content-type": "application/json" });
        response.end("{not json");
        return;
      }
      response.writeHead(404, { "content-type": "text/html" });
      response.end("<html>Not Found</html>");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    endpoint = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("says what answered (status, content type) and what to check; exit 3", async () => {
    const result = await runCli(["get", "/app/x", "--endpoint", endpoint]);

    expect(result.code).toBe(3);
    expect(result.stderr).toContain("did not answer as Parameter Store does");
    expect(result.stderr).toContain("HTTP 404, content type text/html");
    expect(result.stderr).toContain("check --endpoint");
    expect(result.stderr).not.toContain("Deserialization error");
  });
});

describe("a profile that does not exist", () => {
  it("--profile nosuch says so and names the profiles there are (exit 2)", async () => {
    const home = mkdtempSync(join(tmpdir(), "ssm-config-home-"));
    const config = join(home, "config");
    writeFileSync(config, "[default]\nregion = eu-west-1\n\n[profile dev]\nregion = eu-west-1\n");

    const result = await runCli(["list", "/app", "--profile", "nosuch"], {
      env: { AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: join(home, "credentials") },
    });

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--profile nosuch: no such profile");
    expect(result.stderr).toContain("profiles there: default, dev");
  });
});

describe("--json errors", () => {
  it("a usage error is one JSON object on stderr with a code and a message", async () => {
    const result = await runCli(["get", "/a", "--bogus", "--json"]);

    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(JSON.parse(result.stderr)).toEqual({
      code: "usage",
      exitCode: 2,
      message: "unknown option --bogus",
    });
  });

  it("an AWS error names the AWS error", async () => {
    const result = await runCli(["get", "/a", "--endpoint", "http://127.0.0.1:9", "--json"]);

    expect(result.code).toBe(3);
    expect(JSON.parse(result.stderr)).toMatchObject({ code: "aws", exitCode: 3 });
  });
});

describeMoto("messages about what was read", () => {
  const { ssm } = awsClients();

  it("a schema whose validation never settles is named, exit 2 (not 13)", async () => {
    const path = uniquePath("cli-never");
    await putParameter(ssm, `${path}/a`, "1");

    const result = await runCli(
      atMoto("validate", "--schema", join(FIXTURES, "never-settles.mjs"), "--path", path),
    );

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("the schema's validation never finished");
  });

  it("diff against an empty side says so", async () => {
    const path = uniquePath("cli-diff-full");
    const empty = uniquePath("cli-diff-empty");
    await putParameter(ssm, `${path}/a`, "1");

    const result = await runCli(atMoto("diff", path, empty));

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Nothing under ${empty}`);
  });

  it("diff never prints a plain value equal to a SecureString on the other side", async () => {
    const staging = uniquePath("cli-diff-leak-staging");
    const prod = uniquePath("cli-diff-leak-prod");
    await putParameter(ssm, `${prod}/db/password`, "canary-prod-password", "SecureString");
    await putParameter(ssm, `${staging}/db/password`, "canary-prod-password");
    await putParameter(ssm, `${staging}/note`, "canary-prod-password");
    await putParameter(ssm, `${prod}/note`, "something else");

    const human = await runCli(atMoto("diff", staging, prod));
    const json = await runCli(atMoto("diff", staging, prod, "--json"));

    expect(human.stdout).toContain("~ db/password: differs");
    expect(human.stdout).toContain("~ note: differs");
    expect(human.stdout + human.stderr + json.stdout).not.toContain("canary-prod-password");
  });
});
