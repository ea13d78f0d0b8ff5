import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  awsClients,
  describeMoto,
  motoEndpoint,
  putParameter,
  uniquePath,
} from "../support/aws.js";
import { startFaultProxy } from "../support/fault-proxy.js";
import { atMoto, runCli, startCli } from "./run-cli.js";

/** A folder holding an executable `probe` script that prints `label`. */
function probeFolder(label: string): string {
  const folder = mkdtempSync(join(tmpdir(), `ssm-config-${label}-`));
  const probe = join(folder, "probe");
  writeFileSync(probe, `#!/bin/sh\necho ${label}\n`);
  chmodSync(probe, 0o755);
  return folder;
}

describeMoto("exec cannot be made to run other code", () => {
  const { ssm } = awsClients();
  const trusted = probeFolder("trusted");
  const planted = probeFolder("planted");
  const parentPath = `${trusted}:/usr/bin:/bin`;

  it("the program is looked up in ssm-config's own PATH, not in a PATH a parameter sets", async () => {
    const path = uniquePath("cli-exec-path");
    await putParameter(ssm, `${path}/path`, `${planted}:/usr/bin:/bin`);

    const result = await runCli(atMoto("exec", path, "--allow-override", "PATH", "--", "probe"), {
      env: { PATH: parentPath },
    });

    expect(result.code).toBe(0);
    expect(result.stdout).toBe("trusted\n");
  });

  it.each([
    ["path", "PATH"],
    ["node-options", "NODE_OPTIONS"],
    ["ld-preload", "LD_PRELOAD"],
    ["ld_library_path", "LD_LIBRARY_PATH"],
    ["dyld-insert-libraries", "DYLD_INSERT_LIBRARIES"],
    ["pythonpath", "PYTHONPATH"],
    ["bash-env", "BASH_ENV"],
  ])("a parameter named %s may not set %s without --allow-override", async (key, variable) => {
    const path = uniquePath("cli-exec-protected");
    await putParameter(ssm, `${path}/${key}`, "/tmp/evil");

    const result = await runCli(atMoto("exec", path, "--", "probe"), { env: { PATH: parentPath } });

    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain(`"${path}/${key}" would set ${variable}`);
    expect(result.stderr).toContain(`--allow-override ${variable}`);
  });

  it("--allow-override lets the named variable through, and only that one", async () => {
    const path = uniquePath("cli-exec-allowed");
    await putParameter(ssm, `${path}/node-options`, "--max-old-space-size=64");

    const allowed = await runCli(
      atMoto(
        "exec",
        path,
        "--allow-override",
        "NODE_OPTIONS",
        "--",
        process.execPath,
        "-e",
        "console.log(process.env.NODE_OPTIONS)",
      ),
    );
    expect(allowed.stdout).toBe("--max-old-space-size=64\n");

    const other = await runCli(
      atMoto("exec", path, "--allow-override", "PATH", "--", process.execPath, "-e", "1"),
    );
    expect(other.code).toBe(1);
  });

  it("a value with a NUL byte is refused, naming the parameter and never echoing the value", async () => {
    const path = uniquePath("cli-exec-nul");
    await putParameter(ssm, `${path}/token`, "canary\u0000nul-secret", "SecureString");

    const result = await runCli(atMoto("exec", path, "--", process.execPath, "-e", "1"));

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`"${path}/token" (variable TOKEN) holds a NUL byte`);
    expect(result.stderr).not.toContain("canary");
    expect(result.stderr).not.toContain("nul-secret");
  });
});

describeMoto("export --format env|dotenv writes only safe names", () => {
  const { ssm } = awsClients();

  it.each([["env"], ["dotenv"]])(
    "%s: a name that is not a shell identifier is an error naming the parameter",
    async (format) => {
      const path = uniquePath("cli-export-names");
      await putParameter(ssm, `${path}/1st`, "x");

      const result = await runCli(atMoto("export", path, "--format", format));

      expect(result.code).toBe(1);
      expect(result.stdout).toBe("");
      expect(result.stderr).toContain(`"${path}/1st" becomes the variable name 1ST`);
    },
  );

  it("a protected variable is refused unless --allow-override names it", async () => {
    const path = uniquePath("cli-export-protected");
    await putParameter(ssm, `${path}/node-options`, "--inspect");

    const refused = await runCli(atMoto("export", path, "--format", "env"));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("would set NODE_OPTIONS");

    const allowed = await runCli(
      atMoto("export", path, "--format", "env", "--allow-override", "NODE_OPTIONS"),
    );
    expect(allowed.stdout).toBe("NODE_OPTIONS=--inspect\n");
  });
});

/** Cursor up two lines, clear the line, and an OSC 52 clipboard write. */
const HOSTILE = "ok\u001b[2A\u001b[2K\u001b]52;c;ZWNobyBwd25lZA==\u0007\u009b31m\u202edone";

describeMoto("terminal safety: control characters never reach the terminal raw", () => {
  const { ssm } = awsClients();
  let path: string;
  let other: string;

  beforeAll(async () => {
    path = uniquePath("cli-terminal");
    other = uniquePath("cli-terminal-other");
    await putParameter(ssm, `${path}/motd`, HOSTILE);
    await putParameter(ssm, `${path}/motd`, `${HOSTILE}!`);
    await putParameter(ssm, `${other}/motd`, "plain");
  });

  /** True when the text holds a character a terminal would act on (line breaks and tabs aside). */
  const raw = (text: string) =>
    ["\u001b", "\u0007", "\u009b", "\u202e"].some((c) => text.includes(c));

  it.each([
    ["get", () => ["get", `${path}/motd`]],
    ["list", () => ["list", path]],
    ["history", () => ["history", `${path}/motd`]],
    ["diff", () => ["diff", path, other]],
  ])("%s escapes them", async (_command, args) => {
    const [command, ...rest] = args();

    const result = await runCli(atMoto(command as string, ...rest));

    expect(raw(result.stdout)).toBe(false);
    expect(raw(result.stderr)).toBe(false);
    expect(result.stdout).toMatch(/\\(x1b|u001b)/);
  });

  it("watch escapes them in its change lines and in a failed check's message", async () => {
    const root = uniquePath("cli-terminal-watch");
    await putParameter(ssm, `${root}/motd`, "calm");
    const proxy = await startFaultProxy({ target: motoEndpoint });
    const watching = startCli(["watch", "--endpoint", proxy.endpoint, root, "--interval", "1000"], {
      timeoutMs: 25_000,
    });
    try {
      await watching.waitFor("stderr", /Watching/);
      await putParameter(ssm, `${root}/motd`, HOSTILE);
      await watching.waitFor("stdout", /motd updated/);
      // A hostile endpoint (or proxy) answers the next checks with control characters.
      const hostile = { status: 400, type: "AccessDeniedException", message: HOSTILE };
      proxy.set({
        errors: {
          DescribeParameters: hostile,
          GetParametersByPath: hostile,
          GetParameters: hostile,
        },
      });
      await watching.waitFor("stderr", /check failed/);
      watching.child.kill("SIGINT");
      const result = await watching.exited;

      expect(raw(result.stdout)).toBe(false);
      expect(raw(result.stderr)).toBe(false);
      expect(result.stderr).toMatch(/\\(x1b|u001b)/);
    } finally {
      watching.child.kill("SIGKILL");
      await proxy.close();
    }
  });

  it("get --json and list --json stay exact", async () => {
    const got = await runCli(atMoto("get", `${path}/motd`, "--json"));
    const listed = await runCli(atMoto("list", path, "--json"));

    expect((JSON.parse(got.stdout) as { value: string }).value).toBe(`${HOSTILE}!`);
    expect((JSON.parse(listed.stdout) as Array<{ value: string }>)[0]?.value).toBe(`${HOSTILE}!`);
  });

  it("get --raw prints the value exactly", async () => {
    const result = await runCli(atMoto("get", `${path}/motd`, "--raw"));

    expect(result.stdout).toBe(`${HOSTILE}!\n`);
  });
});

describe("terminal safety of messages", () => {
  it("an error message is escaped too", async () => {
    const result = await runCli(["get", "/a", "--bogus\u001b]52;c;eA==\u0007"]);

    expect(result.code).toBe(2);
    expect(result.stderr).not.toContain("\u001b");
    expect(result.stderr).not.toContain("\u0007");
  });
});
