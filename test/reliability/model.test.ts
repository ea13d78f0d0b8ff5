import { DeleteParameterCommand } from "@aws-sdk/client-ssm";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  type ChangeEvent,
  type ConfigLoader,
  type ConfigSource,
  createConfig,
  type MemorySource,
  memorySource,
  ssmSource,
} from "../../src/index.js";
import { awsClients, describeMoto, putParameter, uniquePath } from "../support/aws.js";
import { parameterChangeEvent } from "../support/events.js";
import { failOnUnhandledRejections, reportFigure } from "./harness.js";

failOnUnhandledRejections();

type Value = string | string[];
interface Held {
  value: Value;
  version: number | string;
}
type Loader = ConfigLoader<unknown>;

/**
 * Replays every `change` payload onto the versions of the first load. Each change must follow on
 * from the last one announced for its key (no duplicate, no gap), every payload must hold at least
 * one change, and revisions must rise by exactly one per payload. Problems are collected, not
 * thrown, because the loader isolates its listeners.
 */
class Announcements {
  readonly versions = new Map<string, number | string>();
  readonly problems: string[] = [];
  payloads = 0;
  #revision: number;

  constructor(config: Loader) {
    for (const [key, { version }] of Object.entries(config.versions()))
      this.versions.set(key, version);
    this.#revision = config.revision;
    config.on("change", (event) => this.#replay(event));
  }

  #replay(event: ChangeEvent<unknown>): void {
    this.payloads++;
    if (event.changes.length === 0) this.problems.push(`revision ${event.revision}: empty change`);
    if (event.revision !== this.#revision + 1) {
      this.problems.push(`revision ${event.revision} after ${this.#revision}`);
    }
    this.#revision = event.revision;
    for (const change of event.changes) {
      const held = this.versions.get(change.key);
      const where = `${change.kind} ${change.key} ${String(change.previousVersion)}->${String(change.version)}`;
      if (change.kind === "added") {
        if (held !== undefined) this.problems.push(`${where}: already held at ${held}`);
        this.versions.set(change.key, change.version as number | string);
      } else if (change.previousVersion !== held) {
        this.problems.push(`${where}: announced from ${String(held)}`);
      } else if (change.kind === "removed") {
        this.versions.delete(change.key);
      } else {
        if (change.version === held) this.problems.push(`${where}: same version`);
        this.versions.set(change.key, change.version as number | string);
      }
    }
  }
}

/** The nested tree a set of names under `root` becomes. */
function treeOf(held: ReadonlyMap<string, Held>, root: string): Record<string, unknown> {
  const tree: Record<string, unknown> = {};
  for (const [name, { value }] of held) {
    const segments = name.slice(root === "/" ? 1 : root.length + 1).split("/");
    let node = tree;
    for (const segment of segments.slice(0, -1)) {
      node[segment] ??= {};
      node = node[segment] as Record<string, unknown>;
    }
    node[segments.at(-1) as string] = value;
  }
  return tree;
}

function keyOfName(name: string, root: string): string {
  return name.slice(root === "/" ? 1 : root.length + 1).replaceAll("/", ".");
}

/** Asserts that the loader shows exactly `expected`, and that every change was announced once. */
function expectConsistent(
  config: Loader,
  announcements: Announcements,
  expected: ReadonlyMap<string, Held>,
  root: string,
): void {
  expect(announcements.problems).toEqual([]);
  expect(config.current).toEqual(treeOf(expected, root));
  const versions = Object.fromEntries(
    [...expected].map(([name, held]) => [keyOfName(name, root), held.version]),
  );
  expect(Object.fromEntries(announcements.versions)).toEqual(versions);
  expect(
    Object.fromEntries(Object.entries(config.versions()).map(([key, item]) => [key, item.version])),
  ).toEqual(versions);
  expect(config.revision).toBe(1 + announcements.payloads);
}

/** memorySource works in microtasks: one macrotask turn later, everything it started is done. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** Names that never clash: no name is both a value and a parent of another. */
const NAMES = ["/a", "/b", "/c", "/n/x", "/n/y", "/n/m/z"];
const nameArb = fc.constantFrom(...NAMES);
const valueArb: fc.Arbitrary<Value> = fc.oneof(
  fc.string({ maxLength: 6 }),
  fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 }),
);
const initialArb = fc.dictionary(nameArb, valueArb, { maxKeys: NAMES.length });

describe("model: memorySource, every command followed by a check", () => {
  interface Model {
    values: Map<string, Held>;
    history: Map<string, number>;
  }
  interface Real {
    store: MemorySource;
    config: Loader;
    announcements: Announcements;
  }

  const write = (model: Model, name: string, value: Value) => {
    const version = (model.history.get(name) ?? 0) + 1;
    model.history.set(name, version);
    model.values.set(name, { value, version });
  };
  const check = async (model: Model, real: Real) => {
    await settle();
    await settle();
    expectConsistent(real.config, real.announcements, model.values, "/");
  };

  const commands = [
    fc.tuple(nameArb, valueArb).map(
      ([name, value]): fc.AsyncCommand<Model, Real> => ({
        check: () => true,
        async run(model, real) {
          real.store.set(name, value);
          write(model, name, value);
          await check(model, real);
        },
        toString: () => `set(${name}, ${JSON.stringify(value)})`,
      }),
    ),
    nameArb.map(
      (name): fc.AsyncCommand<Model, Real> => ({
        check: (model) => model.values.has(name),
        async run(model, real) {
          real.store.delete(name);
          model.values.delete(name);
          await check(model, real);
        },
        toString: () => `delete(${name})`,
      }),
    ),
    fc.constant<fc.AsyncCommand<Model, Real>>({
      check: () => true,
      async run(model, real) {
        // Everything was applied already: a refresh finds nothing, announces nothing.
        expect(await real.config.refresh()).toEqual([]);
        await check(model, real);
      },
      toString: () => "refresh()",
    }),
    fc.tuple(nameArb, fc.constantFrom("Create", "Update", "Delete", "LabelParameterVersion")).map(
      ([name, operation]): fc.AsyncCommand<Model, Real> => ({
        check: () => true,
        async run(model, real) {
          expect(await real.config.handleEvent(parameterChangeEvent(name, operation))).toEqual([]);
          await check(model, real);
        },
        toString: () => `event(${name}, ${operation})`,
      }),
    ),
    fc.tuple(nameArb, valueArb).map(
      ([name, value]): fc.AsyncCommand<Model, Real> => ({
        check: () => true,
        async run(model, real) {
          // A write and its event arrive while a refresh is in flight.
          const refreshing = real.config.refresh();
          real.store.set(name, value);
          const handling = real.config.handleEvent(parameterChangeEvent(name));
          write(model, name, value);
          await Promise.all([refreshing, handling]);
          await check(model, real);
        },
        toString: () => `writeDuringRefresh(${name}, ${JSON.stringify(value)})`,
      }),
    ),
    fc.array(fc.tuple(nameArb, valueArb), { minLength: 2, maxLength: 8 }).map(
      (writes): fc.AsyncCommand<Model, Real> => ({
        check: () => true,
        async run(model, real) {
          for (const [name, value] of writes) {
            real.store.set(name, value);
            write(model, name, value);
          }
          await check(model, real);
        },
        toString: () => `burst(${writes.map(([name]) => name).join(",")})`,
      }),
    ),
  ];

  it("ends with current equal to the store and every change announced exactly once", async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(
        initialArb,
        fc.commands(commands, { maxCommands: 40 }),
        async (initial, cmds) => {
          runs++;
          const store = memorySource(initial);
          const config = createConfig({ schema: z.any(), sources: [store] }) as Loader;
          await config.load();
          const model: Model = { values: new Map(), history: new Map() };
          for (const [name, value] of Object.entries(initial)) write(model, name, value);
          const real: Real = { store, config, announcements: new Announcements(config) };
          try {
            await fc.asyncModelRun(() => ({ model, real }), cmds);
          } finally {
            await config.close();
          }
        },
      ),
      { numRuns: 300, seed: 0x55c0 },
    );
    reportFigure("model runs against memorySource", runs);
  });
});

describe("model: races between refreshes, writes and their events (fast-check scheduler)", () => {
  /**
   * A memorySource that tells the loader nothing by itself (like Parameter Store), and whose
   * reads are released by the scheduler in any order: a read starts with the store as it is
   * and returns whenever the scheduler decides, while writes and events keep arriving.
   */
  function scheduledSource(store: MemorySource, s: fc.Scheduler): ConfigSource {
    return {
      description: "scheduled memory",
      load: (context) => store.load(context),
      refresh: (previous, context) => s.schedule(store.refresh(previous, context), "refresh"),
      shareOf: (notice, previous) => store.shareOf?.(notice, previous),
      applyNotices: (previous, shares, context) =>
        s.schedule(
          store.applyNotices?.(previous, shares, context) ?? store.refresh(previous, context),
          "applyNotices",
        ),
    };
  }

  type Operation =
    | { kind: "write"; name: string; value: Value }
    | { kind: "delete"; name: string }
    | { kind: "refresh" };
  const operationArb: fc.Arbitrary<Operation> = fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record({ kind: fc.constant("write" as const), name: nameArb, value: valueArb }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("delete" as const), name: nameArb }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant("refresh" as const) }) },
  );

  it("loses no update and announces each change once, whatever the interleaving", async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        initialArb,
        fc.array(operationArb, { minLength: 1, maxLength: 25 }),
        async (s, initial, operations) => {
          runs++;
          const store = memorySource(initial);
          const config = createConfig({
            schema: z.any(),
            sources: [scheduledSource(store, s)],
          }) as Loader;
          await config.load();
          const announcements = new Announcements(config);
          // The store's state, written alongside it: versions rise by one per write of a name.
          const expected = new Map<string, Held>();
          const history = new Map<string, number>();
          const write = (name: string, value: Value) => {
            const version = (history.get(name) ?? 0) + 1;
            history.set(name, version);
            expected.set(name, { value, version });
          };
          for (const [name, value] of Object.entries(initial)) write(name, value);
          const perform = (operation: Operation): Promise<unknown> => {
            if (operation.kind === "refresh") return config.refresh();
            if (operation.kind === "write") {
              store.set(operation.name, operation.value);
              write(operation.name, operation.value);
            } else {
              store.delete(operation.name);
              expected.delete(operation.name);
            }
            const operationName = operation.kind === "write" ? "Update" : "Delete";
            return config.handleEvent(parameterChangeEvent(operation.name, operationName));
          };
          const done = operations.map((operation) =>
            s.schedule(Promise.resolve(operation), operation.kind).then(perform),
          );
          try {
            await s.waitIdle();
            await Promise.all(done);
            expectConsistent(config, announcements, expected, "/");
          } finally {
            await config.close();
          }
        },
      ),
      { numRuns: 500, seed: 0x5eed },
    );
    reportFigure("scheduler runs against memorySource", runs);
  });
});

describeMoto("model: ssmSource against moto", () => {
  const { ssm: admin } = awsClients();
  const SUFFIXES = ["a", "b", "n/x", "n/y"];
  const suffixArb = fc.constantFrom(...SUFFIXES);
  const textArb = fc.stringMatching(/^[a-z0-9]{1,6}$/);

  interface Model {
    root: string;
    backend: Map<string, Held>;
    expected: Map<string, Held>;
  }
  interface Real {
    config: Loader;
    announcements: Announcements;
  }
  const put = async (model: Model, suffix: string, value: string) => {
    const name = `${model.root}/${suffix}`;
    const version = await putParameter(admin, name, value);
    model.backend.set(name, { value, version });
    return name;
  };
  const check = (model: Model, real: Real) =>
    expectConsistent(real.config, real.announcements, model.expected, model.root);

  const commands = [
    fc.tuple(suffixArb, textArb).map(
      ([suffix, value]): fc.AsyncCommand<Model, Real> => ({
        check: () => true,
        async run(model, real) {
          const existed = model.backend.has(`${model.root}/${suffix}`);
          const name = await put(model, suffix, value);
          await real.config.handleEvent(parameterChangeEvent(name, existed ? "Update" : "Create"));
          model.expected.set(name, model.backend.get(name) as Held);
          check(model, real);
        },
        toString: () => `putAndEvent(${suffix}, ${value})`,
      }),
    ),
    fc.tuple(suffixArb, textArb).map(
      ([suffix, value]): fc.AsyncCommand<Model, Real> => ({
        check: () => true,
        async run(model, real) {
          // No event: the loader keeps what it had until a refresh.
          await put(model, suffix, value);
          check(model, real);
        },
        toString: () => `silentPut(${suffix}, ${value})`,
      }),
    ),
    suffixArb.map(
      (suffix): fc.AsyncCommand<Model, Real> => ({
        check: (model) => model.backend.has(`${model.root}/${suffix}`),
        async run(model, real) {
          const name = `${model.root}/${suffix}`;
          await admin.send(new DeleteParameterCommand({ Name: name }));
          model.backend.delete(name);
          await real.config.handleEvent(parameterChangeEvent(name, "Delete"));
          model.expected.delete(name);
          check(model, real);
        },
        toString: () => `deleteAndEvent(${suffix})`,
      }),
    ),
    fc.constant<fc.AsyncCommand<Model, Real>>({
      check: () => true,
      async run(model, real) {
        await real.config.refresh();
        model.expected = new Map(model.backend);
        check(model, real);
      },
      toString: () => "refresh()",
    }),
    fc.tuple(suffixArb, textArb).map(
      ([suffix, value]): fc.AsyncCommand<Model, Real> => ({
        check: () => true,
        async run(model, real) {
          const existed = model.backend.has(`${model.root}/${suffix}`);
          const refreshing = real.config.refresh();
          const name = await put(model, suffix, value);
          const handling = real.config.handleEvent(
            parameterChangeEvent(name, existed ? "Update" : "Create"),
          );
          await Promise.all([refreshing, handling]);
          model.expected = new Map(model.backend);
          check(model, real);
        },
        toString: () => `putAndEventDuringRefresh(${suffix}, ${value})`,
      }),
    ),
  ];

  it("ends with current equal to Parameter Store's state and every change announced exactly once", async () => {
    let runs = 0;
    let steps = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(suffixArb, { minLength: 1, maxLength: 2 }),
        fc.commands(commands, { maxCommands: 15 }),
        async (initial, cmds) => {
          runs++;
          const model: Model = {
            root: uniquePath("model"),
            backend: new Map(),
            expected: new Map(),
          };
          for (const suffix of initial) await put(model, suffix, "init");
          model.expected = new Map(model.backend);
          const config = createConfig({
            schema: z.any(),
            sources: [ssmSource({ client: admin, path: model.root })],
          }) as Loader;
          await config.load();
          const real: Real = { config, announcements: new Announcements(config) };
          try {
            await fc.asyncModelRun(() => ({ model, real }), cmds);
            steps += [...cmds].length;
          } finally {
            await config.close();
          }
        },
      ),
      { numRuns: 15, seed: 0x3070 },
    );
    reportFigure("model runs / commands against moto", [runs, steps]);
  }, 60_000);
});
