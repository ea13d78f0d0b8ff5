import { expect, it } from "vitest";
import { z } from "zod";
import { createConfig, ssmSource } from "../../src/index.js";
import { awsClients, describeMoto, putParameter, uniquePath } from "../support/aws.js";
import { closeAfterEach } from "../support/loaders.js";

const track = closeAfterEach();

describeMoto("many calls in flight on the loader's abort signal", () => {
  const { ssm } = awsClients();

  it("a first load of a path plus 100 bound names prints no MaxListenersExceededWarning", async () => {
    // Prepare
    const root = uniquePath("listeners");
    const bound = uniquePath("bound");
    await putParameter(ssm, `${root}/a`, "1");
    const parameters: Record<string, string> = {};
    await Promise.all(
      Array.from({ length: 100 }, (_, i) => {
        parameters[`bound.p${i}`] = `${bound}/p${i}`;
        return putParameter(ssm, `${bound}/p${i}`, `v${i}`);
      }),
    );
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);
    process.on("warning", onWarning);
    const { ssm: client } = awsClients();
    const config = track(
      createConfig({
        schema: z.object({ a: z.string(), bound: z.record(z.string(), z.string()) }),
        sources: [ssmSource({ client, path: root, parameters })],
      }),
    );

    // Act
    try {
      await config.load();
      // Node emits warnings on a later tick.
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off("warning", onWarning);
    }

    // Assess
    expect(Object.keys(config.current.bound)).toHaveLength(100);
    expect(warnings.filter((warning) => warning.includes("MaxListeners"))).toEqual([]);
  });
});
