import { afterEach, expect, it } from "vitest";
import { z } from "zod";
import { ConfigLoadError, createConfig, ssmSource } from "../../src/index.js";
import {
  awsClients,
  describeMoto,
  motoEndpoint,
  putParameter,
  uniquePath,
} from "../support/aws.js";
import { waitFor } from "../support/events.js";
import { type FaultProxy, startFaultProxy, THROTTLING_BODY } from "../support/fault-proxy.js";
import { closeAfterEach } from "../support/loaders.js";
import { failOnUnhandledRejections, reportFigure, seededClock, sleep } from "./harness.js";

failOnUnhandledRejections();
const track = closeAfterEach();

const proxies: FaultProxy[] = [];
afterEach(async () => {
  await Promise.all(proxies.splice(0).map((proxy) => proxy.close()));
});
async function throttlingProxy(throttleFraction: number, seed = 1): Promise<FaultProxy> {
  const proxy = await startFaultProxy({ target: motoEndpoint, throttleFraction, seed });
  proxies.push(proxy);
  return proxy;
}

const Schema = z.object({ a: z.string(), b: z.string(), c: z.string() });

describeMoto("throttling (SSM's ThrottlingException, HTTP 400, from a loopback proxy)", () => {
  const { ssm: admin } = awsClients();
  let root: string;

  async function seed(): Promise<string> {
    root ??= uniquePath("throttle");
    await Promise.all(["a", "b", "c"].map((key) => putParameter(admin, `${root}/${key}`, key)));
    return root;
  }

  it("answers exactly as SSM does, so the SDK classifies it as throttling", async () => {
    const proxy = await throttlingProxy(1);
    const response = await fetch(proxy.endpoint, {
      method: "POST",
      headers: {
        "content-type": "application/x-amz-json-1.1",
        "x-amz-target": "AmazonSSM.GetParameters",
      },
      body: "{}",
    });

    expect(response.status).toBe(400);
    expect(response.headers.get("x-amzn-errortype")).toBe("ThrottlingException");
    expect(response.headers.get("content-type")).toBe("application/x-amz-json-1.1");
    expect(await response.text()).toBe(THROTTLING_BODY);
  });

  it("loads every time at 30% throttling with the SDK's default retries (3 attempts)", async () => {
    const path = await seed();
    // Seed 6 throttles 9 of the first 30 requests, twice two in a row: realistic, and the same
    // on every run, because each load is one chain of sequential attempts.
    const proxy = await throttlingProxy(0.3, 6);
    const { ssm } = awsClients(proxy.endpoint);
    const LOADS = 10;

    for (let index = 0; index < LOADS; index++) {
      const config = track(
        createConfig({ schema: Schema, sources: [ssmSource({ client: ssm, path })] }),
      );
      expect(await config.load()).toEqual({ a: "a", b: "b", c: "c" });
    }

    const { received, throttled, forwarded } = proxy.stats;
    // One GetParametersByPath per load; every throttled attempt was retried once, no more.
    expect(forwarded).toBe(LOADS);
    expect(received).toBe(LOADS + throttled);
    expect(throttled).toBeGreaterThan(0);
    reportFigure("30% throttling, 10 loads: requests / throttled / amplification", [
      received,
      throttled,
      Number((received / LOADS).toFixed(2)),
    ]);
  });

  it("fails at 100% with a ConfigLoadError that says throttling, after exactly maxAttempts requests", async () => {
    const path = await seed();
    const proxy = await throttlingProxy(1);
    const { ssm } = awsClients(proxy.endpoint);
    const config = track(
      createConfig({ schema: Schema, sources: [ssmSource({ client: ssm, path })] }),
    );

    const started = Date.now();
    const error = await config.load().catch((caught: unknown) => caught);
    const elapsed = Date.now() - started;

    expect(error).toBeInstanceOf(ConfigLoadError);
    expect((error as ConfigLoadError).message).toMatch(/ThrottlingException \(throttled\)/);
    expect((error as ConfigLoadError).message).toMatch(
      /throttled the requests beyond the SDK's retries/,
    );
    expect(((error as ConfigLoadError).cause as Error).name).toBe("ThrottlingException");
    expect(proxy.stats.received).toBe(3);
    // The SDK waits at most 1 s, then 2 s, between throttled attempts (plus room for a loaded
    // machine: the point is that it gives up, not how fast).
    expect(elapsed).toBeLessThan(3_000 + 5_000);
    reportFigure("100% throttling, default client: requests / ms to ConfigLoadError", [
      proxy.stats.received,
      elapsed,
    ]);
  });

  it("sends no more than maxAttempts requests per call when a load makes several calls", async () => {
    const path = await seed();
    const names = Array.from({ length: 12 }, (_, index) => `${path}/bound${index}`);
    await Promise.all(names.map((name) => putParameter(admin, name, "x")));
    const proxy = await throttlingProxy(1);
    const { ssm } = awsClients(proxy.endpoint, { maxAttempts: 2 });
    const parameters = Object.fromEntries(names.map((name, index) => [`bound${index}`, name]));
    const config = track(
      createConfig({
        schema: z.record(z.string(), z.string()),
        sources: [ssmSource({ client: ssm, path, parameters })],
      }),
    );

    await expect(config.load()).rejects.toBeInstanceOf(ConfigLoadError);
    // Calls still retrying when the first one gave up finish their own attempts (< 1 s).
    await sleep(1_200);

    // GetParametersByPath, GetParameters x 2 (batches of 10) and DescribeParameters: 4 calls.
    const calls = 4;
    expect(proxy.stats.received).toBeLessThanOrEqual(2 * calls);
    reportFigure("100% throttling, 4-call load, maxAttempts 2: requests", proxy.stats.received);
  });

  it("polls with backoff, not in a storm, while every request is throttled, and recovers", async () => {
    const path = await seed();
    const proxy = await throttlingProxy(0);
    const { ssm } = awsClients(proxy.endpoint, { maxAttempts: 1 });
    const config = track(
      createConfig({
        schema: Schema,
        sources: [ssmSource({ client: ssm, path })],
        refresh: { intervalMs: 1_000, backoffBaseMs: 100, backoffMaxMs: 1_000 },
        clock: seededClock(3, 0.5),
      }),
    );
    const loaded = await config.load();
    const errors: Error[] = [];
    config.on("error", (error) => errors.push(error));

    proxy.set({ throttleFraction: 1 });
    proxy.resetStats();
    const WINDOW_MS = 3_000;
    await sleep(WINDOW_MS);
    const requests = proxy.stats.received;

    // Waits of at least 50, 100, 200, 400, then 500 ms: at most 9 polls fit in 3 s.
    expect(requests).toBeLessThanOrEqual(10);
    expect(errors.length).toBe(requests);
    expect(errors.every((error) => /throttl/i.test(error.message))).toBe(true);
    expect(config.current).toBe(loaded);
    reportFigure(
      `100% throttling while polling every second: requests in ${WINDOW_MS} ms`,
      requests,
    );

    proxy.set({ throttleFraction: 0 });
    await putParameter(admin, `${path}/a`, "a2");
    const healedAt = Date.now();
    await waitFor(() => config.current.a === "a2", 5_000, 10);
    reportFigure("recovery after throttling stopped, ms", Date.now() - healedAt);
    await putParameter(admin, `${path}/a`, "a");
  });
});
