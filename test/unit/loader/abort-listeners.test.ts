import { describe, expect, it } from "vitest";
import { z } from "zod";
import { type ConfigSource, createConfig, memorySource } from "../../../src/index.js";

/**
 * A source that, like ssmSource loading a path plus 100 bound names, has many calls in flight
 * at once, each listening on the loader's abort signal until it settles.
 */
function concurrentSource(calls: number): ConfigSource {
  const store = memorySource({ "/a": "1" });
  const oneCall = (signal: AbortSignal) =>
    new Promise<void>((resolve) => {
      const onAbort = () => resolve();
      signal.addEventListener("abort", onAbort, { once: true });
      setImmediate(() => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      });
    });
  return {
    description: "concurrent",
    async load(context) {
      await Promise.all(Array.from({ length: calls }, () => oneCall(context.signal)));
      return store.load(context);
    },
    async refresh(previous, context) {
      await Promise.all(Array.from({ length: calls }, () => oneCall(context.signal)));
      return store.refresh(previous, context);
    },
  };
}

describe("the loader's abort signal", () => {
  it("takes more than ten concurrent calls without a MaxListenersExceededWarning", async () => {
    // Prepare
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);
    process.on("warning", onWarning);
    const config = createConfig({
      schema: z.object({ a: z.string() }),
      sources: [concurrentSource(101)],
    });

    // Act
    try {
      await config.load();
      await config.refresh();
      // Warnings are emitted on a later tick.
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off("warning", onWarning);
      await config.close();
    }

    // Assess
    expect(warnings.filter((warning) => warning.includes("MaxListeners"))).toEqual([]);
  });
});
