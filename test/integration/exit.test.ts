import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { describeMoto, motoEndpoint } from "../support/aws.js";

describeMoto("close()", () => {
  it("leaves nothing running: the process exits by itself", async () => {
    const script = fileURLToPath(new URL("../fixtures/exit-after-close.ts", import.meta.url));
    const child = spawn(process.execPath, ["--import", "tsx", script], {
      env: { ...process.env, MOTO_ENDPOINT: motoEndpoint },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });

    const started = Date.now();
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        resolve(null);
      }, 15_000);
      child.on("exit", (exitCode) => {
        clearTimeout(timer);
        resolve(exitCode);
      });
    });

    expect(stderr).toBe("");
    expect(stdout).toContain("closed");
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});
