import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createConfig } from "../../../src/index.js";
import { ssmSource } from "../../../src/sources/ssm/index.js";
import { FakeParameterStore, FakeSsmClient } from "../../support/fake-ssm.js";
import { changeEvent } from "./support.js";

/** One write to Parameter Store and the event AWS publishes for it. */
interface Operation {
  readonly name: string;
  readonly operation: "Create" | "Update" | "Delete";
  readonly value?: string;
}

/**
 * A CloudFormation replacement of `/app/a` (Delete then Create, same version 1), an Update then
 * a Delete of `/app/b`, an Update of a bound name and a new name under the path: each kind of
 * event, with every pair whose order matters.
 */
const OPERATIONS: readonly Operation[] = [
  { name: "/app/a", operation: "Delete" },
  { name: "/app/a", operation: "Create", value: "a1" },
  { name: "/app/b", operation: "Update", value: "b1" },
  { name: "/app/b", operation: "Delete" },
  { name: "/shared/x", operation: "Update", value: "x1" },
  { name: "/app/c", operation: "Create", value: "c1" },
];

function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  return permutations(n - 1).flatMap((rest) =>
    Array.from({ length: n }, (_, at) => [...rest.slice(0, at), n - 1, ...rest.slice(at)]),
  );
}

/** What the configuration must hold: the store's current values, mapped as the source maps them. */
function truth(store: FakeParameterStore): Record<string, string> {
  const tree: Record<string, string> = {};
  for (const parameter of store.under("/app", true))
    tree[parameter.name.slice(5)] = parameter.value;
  const bound = store.get("/shared/x");
  if (bound) tree.bound = bound.value;
  return tree;
}

type EventTimes = "precise" | "whole seconds" | "absent";

/**
 * Runs the operations in order, delivering their events in `order`. Each event is delivered
 * only after its own write (and every write before it) happened, so reads in between see every
 * intermediate state; the final `current` must equal the store.
 */
async function deliver(order: readonly number[], times: EventTimes): Promise<string | undefined> {
  const second = Date.UTC(2026, 0, 1, 12, 0, 0);
  let now = second - 10_000;
  const store = new FakeParameterStore(() => now);
  store.put("/app/a", "a0");
  store.put("/app/b", "b0");
  store.put("/shared/x", "x0");
  now = second;
  const client = new FakeSsmClient(store);
  const config = createConfig({
    schema: z.record(z.string(), z.string()),
    sources: [ssmSource({ client, path: "/app", parameters: { bound: "/shared/x" } })],
  });
  await config.load();
  const eventTimes: Array<number | undefined> = [];
  let applied = 0;
  try {
    for (const index of order) {
      for (; applied <= index; applied++) {
        const op = OPERATIONS[applied] as Operation;
        // Writes 1 s apart, or 1 ms apart within one second when events carry whole seconds.
        now += times === "whole seconds" ? 1 : 1000;
        if (op.operation === "Delete") store.delete(op.name);
        else store.put(op.name, op.value as string);
        eventTimes[applied] =
          times === "absent"
            ? undefined
            : times === "precise"
              ? now
              : Math.floor(now / 1000) * 1000;
      }
      const op = OPERATIONS[index] as Operation;
      await config.handleEvent(changeEvent(op.name, op.operation, eventTimes[index]));
    }
    const expected = JSON.stringify(sorted(truth(store)));
    const held = JSON.stringify(sorted(config.current));
    return held === expected
      ? undefined
      : `order ${order.join(",")}: held ${held}, store ${expected}`;
  } finally {
    await config.close();
  }
}

function sorted(tree: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(tree).sort(([a], [b]) => a.localeCompare(b)));
}

describe("events delivered in any order", () => {
  const orders = permutations(OPERATIONS.length);

  it.each<EventTimes>(["precise", "whole seconds", "absent"])(
    "end with current equal to the store, event times %s (all 720 orders)",
    async (times) => {
      // Act
      const failures: string[] = [];
      for (const order of orders) {
        const failure = await deliver(order, times);
        if (failure) failures.push(failure);
      }

      // Assess
      expect(orders).toHaveLength(720);
      expect(failures.slice(0, 5)).toEqual([]);
    },
  );
});
