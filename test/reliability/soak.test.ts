import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import {
  DescribeParametersCommand,
  GetParametersByPathCommand,
  GetParametersCommand,
} from "@aws-sdk/client-ssm";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  type ConfigSource,
  createConfig,
  memorySource,
  type SsmClientLike,
  ssmSource,
} from "../../src/index.js";
import { awsClients, countCalls, describeMoto, putParameter, uniquePath } from "../support/aws.js";
import { parameterChangeEvent } from "../support/events.js";
import { closeAfterEach } from "../support/loaders.js";
import { seededRandom } from "../support/random.js";
import { failOnUnhandledRejections, reportFigure } from "./harness.js";

failOnUnhandledRejections();
const track = closeAfterEach();

/** A real `gc()`, so that heap figures measure what is retained, not what awaits collection. */
function garbageCollector(): () => void {
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}

function settledHeap(gc: () => void): number {
  for (let round = 0; round < 3; round++) gc();
  return process.memoryUsage().heapUsed;
}

function activeTimers(): number {
  return process.getActiveResourcesInfo().filter((kind) => kind === "Timeout").length;
}

describe("soak: 10,000 refresh cycles with random changes (memorySource)", () => {
  it("keeps heap growth bounded and leaks no listener, subscription or timer", async () => {
    const gc = garbageCollector();
    const random = seededRandom(2024);
    const NAMES = Array.from({ length: 50 }, (_, index) => `/group${index % 5}/key${index}`);
    const store = memorySource(Object.fromEntries(NAMES.map((name) => [name, "initial"])));
    let subscriptions = 0;
    // memorySource's methods are closures, so a spread copy behaves the same; only subscribe is counted.
    const counted: ConfigSource = {
      ...store,
      subscribe(listener) {
        subscriptions++;
        const unsubscribe = store.subscribe?.(listener) ?? (() => undefined);
        return () => {
          subscriptions--;
          unsubscribe();
        };
      },
    };
    const timersBefore = activeTimers();
    const config = createConfig({
      schema: z.record(
        z.string(),
        z.record(z.string(), z.union([z.string(), z.array(z.string())])),
      ),
      sources: [counted],
      refresh: { intervalMs: 3_600_000 },
    });
    await config.load();
    let changeEvents = 0;
    config.on("change", () => {
      changeEvents++;
    });
    const timersLoaded = activeTimers();
    const listenersLoaded = [config.listenerCount("change"), config.listenerCount("error")];

    const cycle = async (index: number) => {
      const draw = random();
      const name = NAMES[Math.floor(random() * NAMES.length)] as string;
      if (draw < 0.4) store.set(name, `value-${index}-${"x".repeat(Math.floor(random() * 200))}`);
      else if (draw < 0.45) store.set(name, [`a${index}`, `b${index}`]);
      else if (draw < 0.5) {
        if (store.get(name) === undefined) store.set(name, "back");
        else store.delete(name);
      }
      await config.refresh();
    };
    for (let index = 0; index < 1_000; index++) await cycle(index);
    const heapBefore = settledHeap(gc);
    const revisionBefore = config.revision;
    const started = Date.now();
    const CYCLES = 10_000;
    for (let index = 0; index < CYCLES; index++) await cycle(index);
    const elapsed = Date.now() - started;
    const heapAfter = settledHeap(gc);
    const growth = heapAfter - heapBefore;

    expect(config.revision - revisionBefore).toBeGreaterThan(CYCLES * 0.4);
    expect(changeEvents).toBe(config.revision - 1);
    expect(growth).toBeLessThan(4 * 1024 * 1024);
    expect([config.listenerCount("change"), config.listenerCount("error")]).toEqual(
      listenersLoaded,
    );
    expect(subscriptions).toBe(1);
    expect(activeTimers()).toBe(timersLoaded);
    reportFigure(
      "soak: 10,000 refresh cycles, heap growth KB (after gc)",
      Math.round(growth / 1024),
    );
    reportFigure("soak: snapshots applied / ms for 10,000 cycles", [
      config.revision - revisionBefore,
      elapsed,
    ]);

    await config.close();
    expect(subscriptions).toBe(0);
    expect(activeTimers()).toBeLessThanOrEqual(timersBefore);
  }, 60_000);
});

describe("soak: 10,000 refresh cycles through ssmSource (in-process Parameter Store)", () => {
  it("keeps heap growth bounded and reads only what changed", async () => {
    const gc = garbageCollector();
    const random = seededRandom(77);
    const store = fakeParameterStore(0);
    const NAMES = Array.from({ length: 50 }, (_, index) => `/svc/group${index % 5}/key${index}`);
    for (const name of NAMES) store.put(name, "initial");
    const config = track(
      createConfig({
        schema: z.record(z.string(), z.record(z.string(), z.string())),
        sources: [ssmSource({ client: store.client, path: "/svc" })],
      }),
    );
    await config.load();
    const live = new Map(NAMES.map((name) => [name, "initial"]));
    const write = (name: string, value: string) => {
      store.put(name, value);
      live.set(name, value);
    };
    const cycle = async (index: number) => {
      const draw = random();
      const name = NAMES[Math.floor(random() * NAMES.length)] as string;
      if (draw < 0.4) write(name, `value-${index}`);
      else if (draw < 0.5) {
        if (live.delete(name)) store.remove(name);
        else write(name, "back");
      }
      await config.refresh();
    };
    for (let index = 0; index < 1_000; index++) await cycle(index);
    const heapBefore = settledHeap(gc);
    store.calls.clear();
    const started = Date.now();
    const CYCLES = 10_000;
    for (let index = 0; index < CYCLES; index++) await cycle(index);
    const elapsed = Date.now() - started;
    const growth = settledHeap(gc) - heapBefore;

    expect(growth).toBeLessThan(4 * 1024 * 1024);
    // One listing per cycle; one value read per cycle that changed or re-added a name.
    expect(store.calls.get("DescribeParametersCommand")).toBe(CYCLES);
    expect(store.calls.get("GetParametersCommand") ?? 0).toBeLessThanOrEqual(CYCLES * 0.5);
    const expected: Record<string, Record<string, string>> = {};
    for (const [name, value] of live) {
      const [, , group, key] = name.split("/") as [string, string, string, string];
      expected[group] = { ...expected[group], [key]: value };
    }
    expect(config.current).toEqual(expected);
    reportFigure(
      "soak via ssmSource: 10,000 refresh cycles, heap growth KB (after gc)",
      Math.round(growth / 1024),
    );
    reportFigure("soak via ssmSource: DescribeParameters / GetParameters calls / ms", [
      store.calls.get("DescribeParametersCommand"),
      store.calls.get("GetParametersCommand"),
      elapsed,
    ]);
  }, 60_000);
});

/** An in-process Parameter Store: names -> value and version, with a small network delay. */
function fakeParameterStore(delayMs = 5) {
  const parameters = new Map<string, { value: string; version: number }>();
  const calls = new Map<string, number>();
  // Versions keep counting across deletes here, unlike real Parameter Store (see docs/RELIABILITY.md).
  const history = new Map<string, number>();
  const put = (name: string, value: string) => {
    const version = (history.get(name) ?? 0) + 1;
    history.set(name, version);
    parameters.set(name, { value, version });
  };
  const asParameter = (name: string) => {
    const held = parameters.get(name) as { value: string; version: number };
    return { Name: name, Value: held.value, Version: held.version, Type: "String" };
  };
  const answer = (command: unknown): unknown => {
    if (command instanceof GetParametersCommand) {
      const names = command.input.Names ?? [];
      return {
        Parameters: names.filter((name) => parameters.has(name)).map(asParameter),
        InvalidParameters: names.filter((name) => !parameters.has(name)),
      };
    }
    if (command instanceof GetParametersByPathCommand) {
      const prefix = `${command.input.Path}/`;
      return {
        Parameters: [...parameters.keys()]
          .filter((name) => name.startsWith(prefix))
          .map(asParameter),
      };
    }
    if (command instanceof DescribeParametersCommand) {
      const filter = command.input.ParameterFilters?.[0];
      const names = [...parameters.keys()].filter((name) =>
        filter?.Key === "Name"
          ? filter.Values?.includes(name)
          : name.startsWith(`${filter?.Values?.[0]}/`),
      );
      return {
        Parameters: names.map((name) => ({ Name: name, Version: parameters.get(name)?.version })),
      };
    }
    throw new Error(`fake Parameter Store: unexpected ${String(command)}`);
  };
  const client: SsmClientLike = {
    async send(command) {
      const name = (command as object).constructor.name;
      calls.set(name, (calls.get(name) ?? 0) + 1);
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      return answer(command);
    },
  };
  return { client, put, remove: (name: string) => parameters.delete(name), calls };
}

describe("an event storm", () => {
  it("turns 10,000 events about one watched name into 2 fetches", async () => {
    const store = fakeParameterStore();
    store.put("/app/flag", "off");
    const config = track(
      createConfig({
        schema: z.object({ flag: z.string() }),
        sources: [ssmSource({ client: store.client, parameters: { flag: "/app/flag" } })],
      }),
    );
    await config.load();
    store.calls.clear();
    store.put("/app/flag", "on");

    const EVENTS = 10_000;
    const event = parameterChangeEvent("/app/flag");
    const started = Date.now();
    const results = await Promise.all(
      Array.from({ length: EVENTS }, () => config.handleEvent(event)),
    );
    const elapsed = Date.now() - started;

    const fetches = store.calls.get("GetParametersCommand") ?? 0;
    expect(fetches).toBeLessThanOrEqual(2);
    expect([...store.calls.keys()]).toEqual(["GetParametersCommand"]);
    expect(results.flat()).toEqual([
      { key: "flag", parameter: "/app/flag", kind: "updated", previousVersion: 1, version: 2 },
    ]);
    expect(config.current.flag).toBe("on");
    expect(config.revision).toBe(2);
    reportFigure("storm: 10,000 events, one name -> GetParameters calls / ms", [fetches, elapsed]);
  });

  it("turns 10,000 events about 100 names into one fetch plus one batch per 10 names", async () => {
    const store = fakeParameterStore();
    const names = Array.from({ length: 100 }, (_, index) => `/app/key${index}`);
    for (const name of names) store.put(name, "1");
    const config = track(
      createConfig({
        schema: z.record(z.string(), z.string()),
        sources: [ssmSource({ client: store.client, path: "/app" })],
      }),
    );
    await config.load();
    store.calls.clear();
    for (const name of names) store.put(name, "2");

    const random = seededRandom(9);
    const events = Array.from({ length: 10_000 }, (_, index) =>
      parameterChangeEvent(names[index < 100 ? index : Math.floor(random() * 100)] as string),
    );
    const results = await Promise.all(events.map((event) => config.handleEvent(event)));

    const fetches = store.calls.get("GetParametersCommand") ?? 0;
    // The first event's fetch (1 name), then every other name in batches of 10.
    expect(fetches).toBeLessThanOrEqual(1 + 10);
    expect(new Set(results.flat().map((change) => change.key)).size).toBe(100);
    expect(Object.values(config.current).every((value) => value === "2")).toBe(true);
    reportFigure("storm: 10,000 events, 100 names -> GetParameters calls", fetches);
  });
});

describeMoto("an event storm on moto", () => {
  it("turns 10,000 events about one watched name into at most 2 GetParameters calls", async () => {
    const { ssm } = awsClients();
    const root = uniquePath("storm");
    await putParameter(ssm, `${root}/flag`, "off");
    const { ssm: counted } = awsClients();
    const calls = countCalls(counted);
    const config = track(
      createConfig({
        schema: z.object({ flag: z.string() }),
        sources: [ssmSource({ client: counted, path: root })],
      }),
    );
    await config.load();
    calls.clear();
    await putParameter(ssm, `${root}/flag`, "on");

    const event = parameterChangeEvent(`${root}/flag`);
    await Promise.all(Array.from({ length: 10_000 }, () => config.handleEvent(event)));

    expect(calls.get("GetParametersCommand") ?? 0).toBeLessThanOrEqual(2);
    expect([...calls.keys()]).toEqual(["GetParametersCommand"]);
    expect(config.current.flag).toBe("on");
    reportFigure(
      "storm on moto: 10,000 events -> GetParameters calls",
      calls.get("GetParametersCommand"),
    );
  });
});
