import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { nextPollDelay, Poller, type PollingOptions } from "../../src/scheduling/poller.js";
import { drainMicrotasks as settle, VirtualClock } from "../support/virtual-clock.js";

/** A tick that always succeeds and counts its calls. */
function countingTick() {
  const counter = {
    count: 0,
    tick: async () => {
      counter.count++;
      return true;
    },
  };
  return counter;
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

const options: PollingOptions = {
  intervalMs: 1000,
  jitter: 0,
  backoffBaseMs: 100,
  backoffMaxMs: 800,
};

describe("nextPollDelay", () => {
  it("stays within interval × (1 ± jitter) after a success", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3_600_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (intervalMs, jitter, random) => {
          // Act
          const delay = nextPollDelay({ intervalMs, jitter }, 0, () => random);

          // Assess
          expect(delay).toBeGreaterThanOrEqual(intervalMs * (1 - jitter) - 1e-6);
          expect(delay).toBeLessThanOrEqual(intervalMs * (1 + jitter) + 1e-6);
        },
      ),
    );
  });

  it("stays within [0, min(max, base × 2^(k-1))] after k failures", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100 }),
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (failures, backoffBaseMs, backoffMaxMs, random) => {
          // Act
          const delay = nextPollDelay(
            { intervalMs: 60_000, backoffBaseMs, backoffMaxMs },
            failures,
            () => random,
          );

          // Assess
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThanOrEqual(
            Math.min(backoffMaxMs, backoffBaseMs * 2 ** (failures - 1)),
          );
        },
      ),
    );
  });

  it("defaults jitter to 0.1", () => {
    // Act
    const delays = [0, 0.999999].map((random) =>
      nextPollDelay({ intervalMs: 1000 }, 0, () => random),
    );

    // Assess
    expect(delays[0]).toBeCloseTo(900);
    expect(delays[1]).toBeCloseTo(1100, 1);
  });

  it("defaults the backoff base to min(interval, 1000) and the max to max(interval, 300000)", () => {
    // Act
    const first = nextPollDelay({ intervalMs: 60_000 }, 1, () => 0.999999);
    const late = nextPollDelay({ intervalMs: 60_000 }, 40, () => 0.999999);

    // Assess
    expect(first).toBeCloseTo(1000, 0);
    expect(late).toBeCloseTo(300_000, -1);
  });
});

describe("Poller", () => {
  it("ticks once per interval, repeatedly", async () => {
    // Prepare
    const clock = new VirtualClock();
    const counter = countingTick();
    const poller = new Poller(options, counter.tick, clock);

    // Act
    poller.start();
    await clock.advance(3500);

    // Assess
    expect(counter.count).toBe(3);
    poller.stop();
  });

  it("does not tick before the first interval", async () => {
    // Prepare
    const clock = new VirtualClock();
    const counter = countingTick();
    const poller = new Poller(options, counter.tick, clock);

    // Act
    poller.start();
    await clock.advance(999);

    // Assess
    expect(counter.count).toBe(0);
    poller.stop();
  });

  it("backs off exponentially while ticks fail", async () => {
    // Prepare
    const clock = new VirtualClock(() => 0.999999);
    const poller = new Poller(options, async () => false, clock);

    // Act
    poller.start();
    await clock.advance(1000 + 100 + 200 + 400 + 800);

    // Assess
    expect(poller.failures).toBe(5);
    expect(clock.delays.map(Math.round)).toEqual([1000, 100, 200, 400, 800, 800]);
    poller.stop();
  });

  it("counts a tick that throws as a failure", async () => {
    // Prepare
    const clock = new VirtualClock();
    const poller = new Poller(options, () => Promise.reject(new Error("down")), clock);

    // Act
    poller.start();
    await clock.advance(1000);

    // Assess
    expect(poller.failures).toBe(1);
    poller.stop();
  });

  it("returns to the interval after a success", async () => {
    // Prepare
    const clock = new VirtualClock(() => 0.999999);
    const results = [false, false, true];
    const poller = new Poller(options, async () => results.shift() ?? true, clock);

    // Act
    poller.start();
    await clock.advance(1000 + 100 + 200);

    // Assess
    expect(poller.failures).toBe(0);
    expect(clock.delays.map(Math.round)).toEqual([1000, 100, 200, 1000]);
    poller.stop();
  });

  it("clears its timer on stop() and ticks no more", async () => {
    // Prepare
    const clock = new VirtualClock();
    const counter = countingTick();
    const poller = new Poller(options, counter.tick, clock);
    poller.start();

    // Act
    poller.stop();
    await clock.advance(10_000);

    // Assess
    expect(clock.pendingTimers).toBe(0);
    expect(counter.count).toBe(0);
  });

  it("schedules nothing after a tick that was running when stop() was called", async () => {
    // Prepare
    const clock = new VirtualClock();
    const gate = deferred<boolean>();
    const poller = new Poller(options, () => gate.promise, clock);
    poller.start();
    await clock.advance(1000);

    // Act
    poller.stop();
    gate.resolve(true);
    await settle();

    // Assess
    expect(clock.pendingTimers).toBe(0);
  });

  it("never runs two ticks at once, even with a tick slower than the interval", async () => {
    // Prepare
    const clock = new VirtualClock();
    let running = 0;
    let most = 0;
    let ticks = 0;
    const tick = async () => {
      running++;
      most = Math.max(most, running);
      await new Promise<void>((done) => clock.setTimer(done, 2500));
      running--;
      ticks++;
      return true;
    };
    const poller = new Poller(options, tick, clock);

    // Act
    poller.start();
    await clock.advance(20_000);

    // Assess
    expect(most).toBe(1);
    expect(ticks).toBeGreaterThan(3);
    poller.stop();
  });

  it("never runs two ticks at once after stop() and start() during a tick", async () => {
    // Prepare
    const clock = new VirtualClock();
    let running = 0;
    let most = 0;
    const gates: Array<() => void> = [];
    const tick = () => {
      running++;
      most = Math.max(most, running);
      return new Promise<boolean>((done) => {
        gates.push(() => {
          running--;
          done(true);
        });
      });
    };
    const poller = new Poller(options, tick, clock);
    poller.start();
    await clock.advance(1000);

    // Act
    poller.stop();
    poller.start();
    await clock.advance(1000);
    gates.shift()?.();
    await clock.advance(1000);
    for (let i = 0; i < 5; i++) {
      gates.shift()?.();
      await clock.advance(1000);
    }

    // Assess
    expect(most).toBe(1);
    // One chain alive: either a tick runs or a timer waits, never both.
    expect(running + clock.pendingTimers).toBe(1);
    poller.stop();
  });
});
