import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { describeMoto, motoEndpoint } from "../support/aws.js";
import { runScript } from "../support/run-script.js";

describeMoto("close()", () => {
  it("leaves nothing running: the process exits by itself", async () => {
    const script = fileURLToPath(new URL("../fixtures/exit-after-close.ts", import.meta.url));
    const started = Date.now();
    const { code, stdout, stderr } = await runScript(script, {
      env: { ...process.env, MOTO_ENDPOINT: motoEndpoint },
      timeoutMs: 15_000,
    });

    expect(stderr).toBe("");
    expect(stdout).toContain("closed");
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});
