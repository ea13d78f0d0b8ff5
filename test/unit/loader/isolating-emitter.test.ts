import { fileURLToPath } from "node:url";
import { EventEmitter } from "eventemitter3";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  ConfigListenerError,
  isConfigListenerError,
} from "../../../src/errors/config-listener-error.js";
import { createConfig } from "../../../src/loader/create-config.js";
import { IsolatingEmitter } from "../../../src/loader/isolating-emitter.js";
import { memorySource } from "../../../src/sources/memory.js";
import { runScript } from "../../support/run-script.js";

interface TestEvents {
  change: (value: number) => unknown;
  error: (error: Error) => unknown;
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("IsolatingEmitter listeners", () => {
  it("a listener that throws is reported on error and the others still run", () => {
    // Prepare
    const emitter = new IsolatingEmitter<TestEvents>();
    const seen: number[] = [];
    const errors: Error[] = [];
    const bug = new Error("listener bug");
    emitter.on("change", () => {
      throw bug;
    });
    emitter.on("change", (value) => seen.push(value));
    emitter.on("error", (error) => errors.push(error));

    // Act
    const returned = emitter.emit("change", 7);

    // Assess
    expect(returned).toBe(true);
    expect(seen).toEqual([7]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(ConfigListenerError);
    expect(errors[0]).toMatchObject({ name: "ConfigListenerError", event: "change", cause: bug });
  });

  it("a listener whose promise rejects is reported on error", async () => {
    // Prepare
    const emitter = new IsolatingEmitter<TestEvents>();
    const errors: Error[] = [];
    const bug = new Error("async listener bug");
    emitter.on("change", async () => {
      throw bug;
    });
    emitter.on("error", (error) => errors.push(error));

    // Act
    emitter.emit("change", 1);
    await tick();

    // Assess
    expect(errors).toHaveLength(1);
    expect(isConfigListenerError(errors[0])).toBe(true);
    expect(errors[0]?.cause).toBe(bug);
  });

  it("a thenable whose then throws is reported like a throwing listener", () => {
    // Prepare
    const emitter = new IsolatingEmitter<TestEvents>();
    const errors: Error[] = [];
    emitter.on("change", () => ({
      // biome-ignore lint/suspicious/noThenProperty: a hostile thenable is the point.
      then() {
        throw new Error("bad thenable");
      },
    }));
    emitter.on("error", (error) => errors.push(error));

    // Act
    emitter.emit("change", 1);

    // Assess
    expect(errors[0]?.cause).toMatchObject({ message: "bad thenable" });
  });

  it("an error listener that throws or rejects is swallowed, and the next error listener runs", async () => {
    // Prepare
    const emitter = new IsolatingEmitter<TestEvents>();
    const seen: string[] = [];
    emitter.on("error", () => {
      throw new Error("sync error listener bug");
    });
    emitter.on("error", async () => {
      throw new Error("async error listener bug");
    });
    emitter.on("error", (error) => seen.push(error.message));

    // Act
    const emit = () => emitter.emit("error", new Error("refresh failed"));
    await tick();

    // Assess
    expect(emit).not.toThrow();
    expect(seen).toEqual(["refresh failed"]);
  });

  it("an error emitted with no listener is dropped, as eventemitter3 does", () => {
    // Prepare
    const emitter = new IsolatingEmitter<TestEvents>();

    // Act
    const returned = emitter.emit("error", new Error("nobody listens"));

    // Assess
    expect(returned).toBe(false);
  });
});

describe("IsolatingEmitter registration (eventemitter3's methods)", () => {
  it("off removes a listener by the function that was added", () => {
    // Prepare
    const emitter = new IsolatingEmitter<TestEvents>();
    const seen: number[] = [];
    const listener = (value: number) => seen.push(value);
    emitter.on("change", listener);

    // Act
    emitter.off("change", listener);
    emitter.emit("change", 1);

    // Assess
    expect(seen).toEqual([]);
    expect(emitter.listenerCount("change")).toBe(0);
  });

  it("once runs a listener one time, and removeListener removes a once listener before it runs", () => {
    // Prepare
    const emitter = new IsolatingEmitter<TestEvents>();
    const seen: string[] = [];
    const first = (value: number) => seen.push(`once ${value}`);
    const removed = (value: number) => seen.push(`removed ${value}`);
    emitter.once("change", first);
    emitter.once("change", removed);
    emitter.removeListener("change", removed);

    // Act
    emitter.emit("change", 1);
    emitter.emit("change", 2);

    // Assess
    expect(seen).toEqual(["once 1"]);
  });

  it("lists listeners as added, counts them, and removes all", () => {
    // Prepare
    const emitter = new IsolatingEmitter<TestEvents>();
    const a = () => {};
    const b = () => {};
    emitter.addListener("change", a).on("change", b).on("error", a);

    // Act
    const listed = emitter.listeners("change");
    const names = emitter.eventNames();
    emitter.removeAllListeners("change");

    // Assess
    expect(listed).toEqual([a, b]);
    expect(names).toEqual(["change", "error"]);
    expect(emitter.listenerCount("change")).toBe(0);
    expect(emitter.listenerCount("error")).toBe(1);
  });

  it("calls a listener with the context it was added with", () => {
    // Prepare
    const emitter = new IsolatingEmitter<TestEvents>();
    const context = { name: "ctx" };
    let seen: unknown;
    emitter.on(
      "change",
      function (this: unknown) {
        seen = this;
      },
      context,
    );

    // Act
    emitter.emit("change", 1);

    // Assess
    expect(seen).toBe(context);
  });

  it("refuses a listener that is not a function", () => {
    // Prepare
    const emitter = new IsolatingEmitter<TestEvents>();

    // Act
    const add = () => emitter.on("change", "nope" as never);

    // Assess
    expect(add).toThrow(TypeError);
  });
});

describe("IsolatingEmitter is an eventemitter3 EventEmitter", () => {
  it("an emitter and a loader are instances of eventemitter3's EventEmitter", () => {
    // Prepare
    const emitter = new IsolatingEmitter<TestEvents>();
    const config = createConfig({ schema: z.object({}), sources: [memorySource()] });

    // Act
    const instances = [emitter instanceof EventEmitter, config instanceof EventEmitter];

    // Assess
    expect(instances).toEqual([true, true]);
  });

  it("off with the original function removes every registration of it, and only those", () => {
    // Prepare
    const emitter = new IsolatingEmitter<TestEvents>();
    const seen: string[] = [];
    const twice = () => seen.push("twice");
    const other = () => seen.push("other");
    emitter.on("change", twice).on("change", other).once("change", twice);

    // Act
    emitter.off("change", twice);
    emitter.emit("change", 1);

    // Assess
    expect(seen).toEqual(["other"]);
    expect(emitter.listeners("change")).toEqual([other]);
  });

  it("off with once removes only the once registrations of a function", () => {
    // Prepare
    const emitter = new IsolatingEmitter<TestEvents>();
    const seen: number[] = [];
    const listener = (value: number) => seen.push(value);
    emitter.on("change", listener).once("change", listener);

    // Act
    emitter.off("change", listener, undefined, true);
    emitter.emit("change", 1);

    // Assess
    expect(seen).toEqual([1]);
    expect(emitter.listenerCount("change")).toBe(1);
  });

  it("off with a context removes only the registration with that context", () => {
    // Prepare
    const emitter = new IsolatingEmitter<TestEvents>();
    const seen: unknown[] = [];
    const first = { name: "first" };
    const second = { name: "second" };
    function listener(this: unknown) {
      seen.push(this);
    }
    emitter.on("change", listener, first).on("change", listener, second);

    // Act
    emitter.off("change", listener, first);
    emitter.emit("change", 1);

    // Assess
    expect(seen).toEqual([second]);
  });

  it("a once listener removes itself before it runs, even when it throws", () => {
    // Prepare
    const emitter = new IsolatingEmitter<TestEvents>();
    const errors: Error[] = [];
    let calls = 0;
    emitter.once("change", () => {
      calls++;
      throw new Error("once bug");
    });
    emitter.on("error", (error) => errors.push(error));

    // Act
    emitter.emit("change", 1);
    const countAfterFirst = emitter.listenerCount("change");
    const emittedAgain = emitter.emit("change", 2);

    // Assess
    expect(calls).toBe(1);
    expect(countAfterFirst).toBe(0);
    expect(emittedAgain).toBe(false);
    expect(errors).toHaveLength(1);
  });

  it("listeners() returns the functions as added, never the isolating wrappers", () => {
    // Prepare
    const emitter = new IsolatingEmitter<TestEvents>();
    const a = () => {};
    const b = () => {};
    emitter.on("change", a).once("change", b);

    // Act
    const listed = emitter.listeners("change");

    // Assess
    expect(listed).toEqual([a, b]);
    expect(listed[0]).toBe(a);
    expect(listed[1]).toBe(b);
  });

  it("without a context, a listener's this is the emitter, as in eventemitter3", () => {
    // Prepare
    const emitter = new IsolatingEmitter<TestEvents>();
    let seen: unknown;
    emitter.on("change", function (this: unknown) {
      seen = this;
    });

    // Act
    emitter.emit("change", 1);

    // Assess
    expect(seen).toBe(emitter);
  });
});

describe("a loader with failing listeners, in a process of its own", () => {
  it("reports throwing and rejecting listeners on error, with no unhandled rejection and no crash", async () => {
    // Prepare
    const script = fileURLToPath(new URL("../../fixtures/failing-listeners.ts", import.meta.url));

    // Act
    const { code, stdout, stderr } = await runScript(script);

    // Assess
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      revision: 3,
      reported: ["change", "change", "change", "change"],
      unhandled: 0,
    });
  });
});
