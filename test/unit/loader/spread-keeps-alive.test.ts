import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runScript } from "../../support/run-script.js";

describe("an awaited handleEvent() with eventSpreadMs", () => {
  it("keeps a process with nothing else alive until the event is applied", async () => {
    // Prepare
    const script = fileURLToPath(new URL("../../fixtures/await-spread-event.ts", import.meta.url));

    // Act
    const { code, stdout, stderr } = await runScript(script);

    // Assess
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ changes: ["flag"], flag: "on" });
  });
});
