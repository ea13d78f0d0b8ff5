import { z } from "zod";
import { type ConfigLoader, createConfig } from "../../../src/index.js";
import { type SsmSourceOptions, ssmSource } from "../../../src/sources/ssm/index.js";
import { parameterChangeEvent } from "../../support/events.js";
import { FakeParameterStore, FakeSsmClient } from "../../support/fake-ssm.js";

/** A store whose clock moves 1 s per write, so every write has its own modification time. */
export function steppedStore(start = Date.UTC(2026, 0, 1)): {
  store: FakeParameterStore;
  now: () => number;
  tick: (ms?: number) => number;
} {
  let now = start;
  const store = new FakeParameterStore(() => {
    now += 1000;
    return now;
  });
  return {
    store,
    now: () => now,
    tick: (ms = 1000) => {
      now += ms;
      return now;
    },
  };
}

/** A loader over the fake with a schema that accepts any nested tree. */
export async function loadedConfig(
  store: FakeParameterStore,
  options: Omit<SsmSourceOptions, "client">,
): Promise<{ config: ConfigLoader<Record<string, unknown>>; client: FakeSsmClient }> {
  const client = new FakeSsmClient(store);
  const config = createConfig({
    schema: z.record(z.string(), z.unknown()),
    sources: [ssmSource({ client, ...options })],
  });
  await config.load();
  client.requests.length = 0;
  return { config, client };
}

/** A "Parameter Store Change" event with an explicit time (epoch ms), or none. */
export function changeEvent(name: string, operation: string, time?: number) {
  const event: Record<string, unknown> = parameterChangeEvent(name, operation);
  if (time === undefined) delete event.time;
  else event.time = new Date(time).toISOString();
  return event;
}
