import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  type ConfigLoader,
  type ConfigSource,
  createConfig,
  memorySource,
} from "../../../src/index.js";
import { VirtualClock } from "../../support/virtual-clock.js";

const Schema = z.object({ flag: z.string() });
const open: Array<ConfigLoader<unknown>> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((config) => config.close()));
});

/** A memory store behind a source that counts refreshes, can fail them, and can hold them. */
function countedStore() {
  const store = memorySource({ "/flag": "off" });
  const stats = { loads: 0, refreshes: 0, failing: false };
  const held: Array<() => void> = [];
  let holding = false;
  const source: ConfigSource = {
    description: "counted",
    async load(context) {
      stats.loads++;
      return store.load(context);
    },
    async refresh(previous, context) {
      stats.refreshes++;
      if (holding) await new Promise<void>((resolve) => held.push(resolve));
      if (stats.failing) throw new Error("connect ECONNREFUSED");
      return store.refresh(previous, context);
    },
    shareOf: (notice, previous) => store.shareOf?.(notice, previous),
    applyNotices: (previous, shares, context) =>
      store.applyNotices?.(previous, shares, context) ?? Promise.resolve(previous),
  };
  const hold = () => {
    holding = true;
  };
  const release = () => {
    holding = false;
    for (const resolve of held.splice(0)) resolve();
  };
  return { store, source, stats, hold, release };
}

function setup(refresh: { maxAgeMs?: number; intervalMs?: number }) {
  const clock = new VirtualClock();
  const counted = countedStore();
  const config = createConfig({ schema: Schema, sources: [counted.source], refresh, clock });
  open.push(config as ConfigLoader<unknown>);
  return { clock, config, ...counted };
}

describe("fresh()", () => {
  it("loads before the first load", async () => {
    // Prepare
    const { config, stats } = setup({ maxAgeMs: 30_000 });

    // Act
    const snapshot = await config.fresh();

    // Assess
    expect(snapshot).toEqual({ flag: "off" });
    expect(stats).toMatchObject({ loads: 1, refreshes: 0 });
  });

  it("makes no call while the last full check is younger than maxAgeMs", async () => {
    // Prepare
    const { clock, config, stats, store } = setup({ maxAgeMs: 30_000 });
    await config.load();
    store.set("/flag", "on");

    // Act
    await clock.advance(29_999);
    const snapshot = await config.fresh();

    // Assess
    expect(stats.refreshes).toBe(0);
    expect(snapshot).toEqual({ flag: "off" });
  });

  it("runs one refresh, shared by concurrent callers, once the check is maxAgeMs old", async () => {
    // Prepare
    const { clock, config, stats, store, hold, release } = setup({ maxAgeMs: 30_000 });
    await config.load();
    store.set("/flag", "on");
    await clock.advance(30_000);
    hold();

    // Act
    const callers = [config.fresh(), config.fresh(), config.fresh()];
    release();
    const snapshots = await Promise.all(callers);

    // Assess
    expect(stats.refreshes).toBe(1);
    expect(snapshots.map((snapshot) => snapshot.flag)).toEqual(["on", "on", "on"]);
  });

  it("counts its own refresh as a check: the next call within maxAgeMs makes no call", async () => {
    // Prepare
    const { clock, config, stats } = setup({ maxAgeMs: 30_000 });
    await config.load();
    await clock.advance(30_000);
    await config.fresh();

    // Act
    await clock.advance(10_000);
    await config.fresh();

    // Assess
    expect(stats.refreshes).toBe(1);
  });

  it("resolves with the last good snapshot and emits error when the refresh fails", async () => {
    // Prepare
    const { clock, config, stats } = setup({ maxAgeMs: 30_000 });
    const before = await config.load();
    const errors: Error[] = [];
    config.on("error", (error) => errors.push(error));
    await clock.advance(30_000);
    stats.failing = true;

    // Act
    const snapshot = await config.fresh();

    // Assess
    expect(snapshot).toBe(before);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toContain("ECONNREFUSED");
  });

  it("tries again on the next call after a failed refresh", async () => {
    // Prepare
    const { clock, config, stats } = setup({ maxAgeMs: 30_000 });
    await config.load();
    config.on("error", () => {});
    await clock.advance(30_000);
    stats.failing = true;
    await config.fresh();

    // Act
    stats.failing = false;
    await config.fresh();

    // Assess
    expect(stats.refreshes).toBe(2);
  });

  it("does not count an event as a check", async () => {
    // Prepare
    const { clock, config, stats, store } = setup({ maxAgeMs: 30_000 });
    await config.load();
    await clock.advance(20_000);
    store.set("/flag", "on");
    await config.handleEvent({
      "detail-type": "Parameter Store Change",
      source: "aws.ssm",
      detail: { name: "/flag", operation: "Update" },
    });

    // Act
    await clock.advance(10_000);
    await config.fresh();

    // Assess
    expect(stats.refreshes).toBe(1);
  });

  it("counts a successful poll as a check", async () => {
    // Prepare
    const { clock, config, stats } = setup({ intervalMs: 60_000, maxAgeMs: 60_000 });
    await config.load();
    await clock.advance(60_000 * 1.1);
    const polls = stats.refreshes;

    // Act
    await clock.advance(10_000);
    await config.fresh();

    // Assess
    expect(polls).toBe(1);
    expect(stats.refreshes).toBe(1);
  });

  it("without maxAgeMs or polling, checks on every call", async () => {
    // Prepare
    const clock = new VirtualClock();
    const counted = countedStore();
    const config = createConfig({ schema: Schema, sources: [counted.source], clock });
    open.push(config as ConfigLoader<unknown>);
    await config.load();

    // Act
    await config.fresh();
    await config.fresh();

    // Assess
    expect(counted.stats.refreshes).toBe(2);
  });

  it("rejects a load failure, for the caller to handle, and loads again on the next call", async () => {
    // Prepare
    let failLoad = true;
    const store = memorySource({ "/flag": "off" });
    const config = createConfig({
      schema: Schema,
      sources: [
        {
          ...store,
          load: (context) =>
            failLoad ? Promise.reject(new Error("AccessDenied")) : store.load(context),
        },
      ],
      refresh: { maxAgeMs: 1_000 },
    });
    open.push(config as ConfigLoader<unknown>);

    // Act
    const first = await config.fresh().catch((error: unknown) => error);
    failLoad = false;
    const second = await config.fresh();

    // Assess
    expect(first).toMatchObject({ name: "ConfigLoadError" });
    expect(second).toEqual({ flag: "off" });
  });

  it("rejects as closed after close()", async () => {
    // Prepare
    const { config } = setup({ maxAgeMs: 30_000 });
    await config.load();
    await config.close();

    // Act
    const error = await config.fresh().catch((reason: unknown) => reason);

    // Assess
    expect(error).toMatchObject({ name: "ConfigLoadError", reason: "lifecycle" });
  });
});
