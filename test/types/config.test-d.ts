import type { EventEmitter } from "eventemitter3";
import { describe, expectTypeOf, it } from "vitest";
import { z } from "zod";
import {
  type Change,
  type ChangeEvent,
  type ConfigEvents,
  type ConfigIssue,
  type ConfigLoader,
  type ConfigValidationError,
  createConfig,
  memorySource,
  type ParameterEntry,
  type StandardSchemaV1,
} from "../../src/index.js";
import { json } from "../../src/zod.js";

const Schema = z.object({
  db: z.object({ host: z.string(), port: z.coerce.number().int() }),
  origins: z.array(z.string()),
  stripe: json(z.object({ apiKey: z.string() })),
  level: z.enum(["debug", "info"]).default("info"),
});
type Config = z.output<typeof Schema>;

const config = createConfig({ schema: Schema, sources: [memorySource()] });

describe("createConfig with a zod schema", () => {
  it("types current as the schema's output", () => {
    expectTypeOf(config.current).toEqualTypeOf<Config>();
    expectTypeOf(config.current.db.port).toEqualTypeOf<number>();
    expectTypeOf(config.current.level).toEqualTypeOf<"debug" | "info">();
    expectTypeOf(config.current.stripe).toEqualTypeOf<{ apiKey: string }>();
  });

  it("resolves load() to the schema's output", () => {
    expectTypeOf(config.load()).toEqualTypeOf<Promise<Config>>();
  });

  it("types redacted() as the schema's output", () => {
    expectTypeOf(config.redacted()).toEqualTypeOf<Config>();
  });

  it("returns a ConfigLoader of the schema's output", () => {
    expectTypeOf(config).toEqualTypeOf<ConfigLoader<Config>>();
  });

  it("does not compile a key the schema does not have", () => {
    // @ts-expect-error: `nope` is not in the schema.
    config.current.nope;
  });

  it("rejects a non-schema at compile time", () => {
    // @ts-expect-error: a plain object is not a Standard Schema.
    createConfig({ schema: { db: "string" }, sources: [memorySource()] });
  });

  it("rejects a missing sources list at compile time", () => {
    // @ts-expect-error: sources is required.
    createConfig({ schema: Schema });
  });
});

describe("createConfig with a hand-written Standard Schema", () => {
  it("types current as the schema's declared output", () => {
    // Prepare
    const handWritten: StandardSchemaV1<unknown, { port: number }> = {
      "~standard": { version: 1, vendor: "hand-written", validate: () => ({ value: { port: 1 } }) },
    };

    // Act
    const loader = createConfig({ schema: handWritten, sources: [memorySource()] });

    // Assess
    expectTypeOf(loader.current).toEqualTypeOf<{ port: number }>();
  });
});

describe("events", () => {
  it("types the change payload with the schema's output", () => {
    config.on("change", (event) => {
      expectTypeOf(event).toEqualTypeOf<ChangeEvent<Config>>();
      expectTypeOf(event.changes).toEqualTypeOf<Change[]>();
      expectTypeOf(event.previous).toEqualTypeOf<Config>();
      expectTypeOf(event.current).toEqualTypeOf<Config>();
      expectTypeOf(event.revision).toEqualTypeOf<number>();
    });
  });

  it("types the error payload as an Error", () => {
    config.on("error", (error) => {
      expectTypeOf(error).toEqualTypeOf<Error>();
    });
  });

  it("accepts an async listener", () => {
    config.on("change", async (event) => {
      expectTypeOf(event.revision).toEqualTypeOf<number>();
    });
  });

  it("is an eventemitter3 EventEmitter", () => {
    expectTypeOf(config).toExtend<EventEmitter<ConfigEvents<Config>, unknown>>();
  });

  it("does not compile an unknown event name", () => {
    // @ts-expect-error: there is no "changed" event.
    config.on("changed", () => {});
  });
});

describe("Change", () => {
  it("has the contract's shape", () => {
    expectTypeOf<Change>().toEqualTypeOf<{
      key: string;
      parameter: string;
      kind: "added" | "updated" | "removed";
      previousVersion?: number | string;
      version?: number | string;
    }>();
  });

  it("is what refresh() and handleEvent() resolve to, as a list", () => {
    expectTypeOf(config.refresh()).toEqualTypeOf<Promise<Change[]>>();
    expectTypeOf(config.handleEvent({})).toEqualTypeOf<Promise<Change[]>>();
  });
});

describe("reading helpers", () => {
  it("types versions() per key", () => {
    expectTypeOf(config.versions()).toEqualTypeOf<
      Record<string, { parameter: string; version: number | string }>
    >();
  });

  it("types ConfigValidationError.issues as read-only ConfigIssues", () => {
    expectTypeOf<ConfigValidationError["issues"]>().toEqualTypeOf<readonly ConfigIssue[]>();
    expectTypeOf<ConfigIssue>().toEqualTypeOf<{
      key: string;
      parameter?: string;
      message: string;
    }>();
  });
});

describe("the source contract", () => {
  it("keeps ssmSource's bookkeeping out of ParameterEntry", () => {
    expectTypeOf<ParameterEntry>().not.toHaveProperty("origin");
  });
});
