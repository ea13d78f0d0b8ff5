import { expect, it } from "vitest";
import { z } from "zod";
import { createConfig, ssmSource } from "../../src/index.js";
import {
  awsClients,
  countCalls,
  describeMoto,
  putParameter,
  totalCalls,
  uniquePath,
} from "../support/aws.js";
import { breakableClient, closeAfterEach } from "../support/loaders.js";
import { VirtualClock } from "../support/virtual-clock.js";

const track = closeAfterEach();

describeMoto("fresh() with refresh.maxAgeMs", () => {
  /** A loader on its own counted client; the virtual clock only measures age (no polling). */
  async function setup() {
    const { ssm } = awsClients();
    const calls = countCalls(ssm);
    const flaky = breakableClient(ssm, () => new Error("connect ECONNREFUSED"));
    const root = uniquePath("fresh");
    const { ssm: writer } = awsClients();
    await putParameter(writer, `${root}/flag`, "v1");
    const clock = new VirtualClock();
    const config = track(
      createConfig({
        schema: z.object({ flag: z.string() }),
        sources: [ssmSource({ client: flaky, path: root })],
        refresh: { maxAgeMs: 30_000 },
        clock,
      }),
    );
    return { config, calls, flaky, root, writer, clock };
  }

  it("loads on the first call, then makes no AWS call while the check is young", async () => {
    // Prepare
    const { config, calls, root, writer, clock } = await setup();
    const first = await config.fresh();
    const afterLoad = totalCalls(calls);
    await putParameter(writer, `${root}/flag`, "v2");

    // Act
    await clock.advance(29_000);
    const second = await config.fresh();

    // Assess
    expect(first).toEqual({ flag: "v1" });
    expect(afterLoad).toBeGreaterThan(0);
    expect(totalCalls(calls)).toBe(afterLoad);
    expect(second).toBe(first);
  });

  it("runs one refresh for concurrent callers once the check is old, and applies the change", async () => {
    // Prepare
    const { config, calls, root, writer, clock } = await setup();
    await config.fresh();
    await putParameter(writer, `${root}/flag`, "v2");
    await clock.advance(30_000);
    const beforeShared = totalCalls(calls);

    // Act
    const shared = await Promise.all([config.fresh(), config.fresh(), config.fresh()]);
    const sharedCalls = totalCalls(calls) - beforeShared;
    await putParameter(writer, `${root}/flag`, "v3");
    await clock.advance(30_000);
    const beforeSingle = totalCalls(calls);
    const single = await config.fresh();
    const singleCalls = totalCalls(calls) - beforeSingle;

    // Assess
    expect(shared.map((snapshot) => snapshot.flag)).toEqual(["v2", "v2", "v2"]);
    expect(single.flag).toBe("v3");
    expect(sharedCalls).toBeGreaterThan(0);
    expect(sharedCalls).toBe(singleCalls);
  });

  it("resolves with the last good snapshot and emits error when the check fails", async () => {
    // Prepare
    const { config, flaky, clock } = await setup();
    const good = await config.fresh();
    const errors: Error[] = [];
    config.on("error", (error) => errors.push(error));
    await clock.advance(30_000);
    flaky.broken = true;

    // Act
    const result = await config.fresh();

    // Assess
    expect(result).toBe(good);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ name: "ConfigLoadError" });
  });
});
