import { describe, expect, it } from "vitest";
import { emptyWork, mergeWork, SyncQueue, type SyncWork } from "../../../src/loader/sync-queue.js";
import type { ChangeNotice } from "../../../src/sources/contract.js";
import { VirtualClock } from "../../support/virtual-clock.js";

const changed = (name: string): ChangeNotice => ({ kind: "parameter-changed", name });

/** A run function that records each run's work and holds it until released. */
function heldRuns() {
  const runs: Array<{
    work: SyncWork;
    finish: (result: string) => void;
    fail: (e: Error) => void;
  }> = [];
  const run = (work: SyncWork) =>
    new Promise<string>((resolve, reject) => {
      runs.push({ work, finish: resolve, fail: reject });
    });
  return { runs, run };
}

/** Lets promise callbacks run. */
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("mergeWork", () => {
  it("keeps a full check full and adds dirty sources and notice shares per source", () => {
    // Prepare
    const into: SyncWork = {
      full: false,
      dirty: new Set([0]),
      shares: new Map([[1, [changed("/a")]]]),
    };

    // Act
    mergeWork(into, { full: true, dirty: new Set([2]), shares: new Map([[1, [changed("/b")]]]) });
    mergeWork(into, emptyWork());

    // Assess
    expect(into.full).toBe(true);
    expect([...into.dirty]).toEqual([0, 2]);
    expect(into.shares.get(1)?.map((notice) => (notice as { name: string }).name)).toEqual([
      "/a",
      "/b",
    ]);
  });
});

describe("SyncQueue.request", () => {
  it("runs at once when idle", async () => {
    // Prepare
    const { runs, run } = heldRuns();
    const queue = new SyncQueue(run, new VirtualClock());

    // Act
    const result = queue.request({ ...emptyWork(), full: true });
    runs[0]?.finish("one");

    // Assess
    await expect(result).resolves.toBe("one");
    expect(runs).toHaveLength(1);
  });

  it("merges every request made during a run into one follow-up run", async () => {
    // Prepare
    const { runs, run } = heldRuns();
    const queue = new SyncQueue(run, new VirtualClock());
    const first = queue.request(emptyWork());

    // Act
    const second = queue.request({ ...emptyWork(), dirty: new Set([1]) });
    const third = queue.request({ ...emptyWork(), shares: new Map([[0, [changed("/x")]]]) });
    const fourth = queue.request({ ...emptyWork(), full: true });
    runs[0]?.finish("first");
    await tick();
    runs[1]?.finish("follow-up");

    // Assess
    expect(await Promise.all([first, second, third, fourth])).toEqual([
      "first",
      "follow-up",
      "follow-up",
      "follow-up",
    ]);
    expect(runs).toHaveLength(2);
    expect(runs[1]?.work.full).toBe(true);
    expect([...(runs[1]?.work.dirty ?? [])]).toEqual([1]);
    expect(runs[1]?.work.shares.get(0)).toHaveLength(1);
  });

  it("never has two runs in flight", async () => {
    // Prepare
    let inFlight = 0;
    let most = 0;
    const queue = new SyncQueue(async () => {
      inFlight++;
      most = Math.max(most, inFlight);
      await tick();
      inFlight--;
      return "done";
    }, new VirtualClock());

    // Act
    const results = [];
    for (let round = 0; round < 5; round++) {
      results.push(queue.request(emptyWork()), queue.request(emptyWork()));
      await tick();
    }
    await Promise.all(results);

    // Assess
    expect(most).toBe(1);
  });

  it("starts the follow-up even when the run before it failed", async () => {
    // Prepare
    const { runs, run } = heldRuns();
    const queue = new SyncQueue(run, new VirtualClock());
    const failing = queue.request(emptyWork());
    const next = queue.request(emptyWork());

    // Act
    runs[0]?.fail(new Error("throttled"));
    await tick();
    runs[1]?.finish("recovered");

    // Assess
    await expect(failing).rejects.toThrow("throttled");
    await expect(next).resolves.toBe("recovered");
  });

  it("turns a run that throws synchronously into a rejection", async () => {
    // Prepare
    const queue = new SyncQueue<string>(() => {
      throw new Error("sync bug");
    }, new VirtualClock());

    // Act
    const result = queue.request(emptyWork());

    // Assess
    await expect(result).rejects.toThrow("sync bug");
    expect(queue.pending()).toEqual([]);
  });
});

describe("SyncQueue.requestAfter", () => {
  it("waits the delay, then runs once for every request made during the wait", async () => {
    // Prepare
    const clock = new VirtualClock();
    const works: SyncWork[] = [];
    const queue = new SyncQueue(async (work) => {
      works.push(work);
      return "spread";
    }, clock);

    // Act
    const first = queue.requestAfter(
      { ...emptyWork(), shares: new Map([[0, [changed("/a")]]]) },
      500,
    );
    const second = queue.requestAfter(
      { ...emptyWork(), shares: new Map([[0, [changed("/b")]]]) },
      100,
    );
    await clock.advance(499);
    const before = works.length;
    await clock.advance(1);

    // Assess
    expect(before).toBe(0);
    expect(await Promise.all([first, second])).toEqual(["spread", "spread"]);
    expect(works).toHaveLength(1);
    expect(works[0]?.shares.get(0)).toHaveLength(2);
  });

  it("asks the clock to keep the process alive while it waits", () => {
    // Prepare
    const options: unknown[] = [];
    const clock = new VirtualClock();
    const recording = Object.assign(Object.create(clock) as VirtualClock, {
      setTimer: (callback: () => void, ms: number, timerOptions?: unknown) => {
        options.push(timerOptions);
        return clock.setTimer(callback, ms);
      },
    });
    const queue = new SyncQueue(async () => "x", recording);

    // Act
    void queue.requestAfter(emptyWork(), 1_000);

    // Assess
    expect(options).toEqual([{ keepAlive: true }]);
  });

  it("clamps a delay beyond Node's timer range", () => {
    // Prepare
    const clock = new VirtualClock();
    const queue = new SyncQueue(async () => "x", clock);

    // Act
    void queue.requestAfter(emptyWork(), 1e12);

    // Assess
    expect(clock.delays).toEqual([2_147_483_647]);
  });

  it("flushDelayed starts a waiting batch now and clears its timer", async () => {
    // Prepare
    const clock = new VirtualClock();
    const queue = new SyncQueue(async () => "flushed", clock);
    const waiting = queue.requestAfter(emptyWork(), 60_000);

    // Act
    queue.flushDelayed();

    // Assess
    await expect(waiting).resolves.toBe("flushed");
    expect(clock.pendingTimers).toBe(0);
  });

  it("lists a waiting batch among the pending work", () => {
    // Prepare
    const queue = new SyncQueue(async () => "x", new VirtualClock());

    // Act
    const waiting = queue.requestAfter(emptyWork(), 1_000);

    // Assess
    expect(queue.pending()).toContain(waiting);
  });
});
