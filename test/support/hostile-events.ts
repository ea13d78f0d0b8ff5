import { parameterChangeEvent, secretApiCallEvent } from "./events.js";

/**
 * One hostile input for `handleEvent` / `parseChangeEvent`, built fresh per test. `ran` counts
 * how often the input ran code of its own that the parser promises never to call (getters,
 * replaced array methods); a Proxy's traps cannot be avoided and are not counted.
 */
export interface HostileInput {
  readonly input: unknown;
  readonly ran: () => number;
}

function counter() {
  let count = 0;
  return {
    hit: () => {
      count++;
    },
    ran: () => count,
  };
}

const none = () => 0;

/** An array whose own methods (and iterator) are replaced by functions that count and throw. */
function withReplacedMethods(items: unknown[], hit: () => void): unknown[] {
  const trap = () => {
    hit();
    throw new Error("replaced array method called");
  };
  for (const method of ["flatMap", "map", "forEach", "filter", "some", "every", "entries"]) {
    Object.defineProperty(items, method, { value: trap });
  }
  Object.defineProperty(items, Symbol.iterator, { value: trap });
  return items;
}

/** A value whose every proxy trap throws; thrown itself, it defeats `instanceof`. */
function throwingProxy(target: object = {}): object {
  const fail = () => {
    throw new Error("trap called");
  };
  return new Proxy(target, {
    get: fail,
    has: fail,
    ownKeys: fail,
    getOwnPropertyDescriptor: fail,
    getPrototypeOf: fail,
  });
}

/** The JSON of a valid event, padded with leading spaces to `length` characters. */
export function paddedBody(length: number): string {
  const body = JSON.stringify(parameterChangeEvent("/a"));
  return `${" ".repeat(length - body.length)}${body}`;
}

function sparse(length: number): unknown[] {
  const items: unknown[] = [];
  items.length = length;
  return items;
}

/** Inputs that must reject with an `EventFormatError` and change nothing. */
export const HOSTILE_REJECTED: Array<[string, () => HostileInput]> = [
  ["a Proxy whose traps throw", () => ({ input: throwingProxy(), ran: none })],
  ["a Proxy of an array whose traps throw", () => ({ input: throwingProxy([]), ran: none })],
  [
    "a revoked Proxy",
    () => {
      const { proxy, revoke } = Proxy.revocable(parameterChangeEvent("/a"), {});
      revoke();
      return { input: proxy, ran: none };
    },
  ],
  [
    "a revoked Proxy of an array",
    () => {
      const { proxy, revoke } = Proxy.revocable([parameterChangeEvent("/a")], {});
      revoke();
      return { input: proxy, ran: none };
    },
  ],
  [
    "a Proxy whose trap throws a Proxy whose traps throw",
    () => ({
      input: new Proxy(
        {},
        {
          getOwnPropertyDescriptor() {
            throw throwingProxy();
          },
        },
      ),
      ran: none,
    }),
  ],
  [
    "an event whose detail-type is a throwing getter",
    () => {
      const { hit, ran } = counter();
      const event = { ...parameterChangeEvent("/a") } as Record<string, unknown>;
      delete event["detail-type"];
      Object.defineProperty(event, "detail-type", {
        enumerable: true,
        get() {
          hit();
          throw new Error("getter called");
        },
      });
      return { input: event, ran };
    },
  ],
  [
    "an event whose detail is a getter with a side effect",
    () => {
      const { hit, ran } = counter();
      const event = { ...parameterChangeEvent("/a") } as Record<string, unknown>;
      const detail = event.detail;
      delete event.detail;
      Object.defineProperty(event, "detail", {
        enumerable: true,
        get() {
          hit();
          return detail;
        },
      });
      return { input: event, ran };
    },
  ],
  [
    "an array whose item is a throwing getter",
    () => {
      const { hit, ran } = counter();
      const items: unknown[] = [];
      Object.defineProperty(items, "0", {
        enumerable: true,
        get() {
          hit();
          throw new Error("getter called");
        },
      });
      return { input: items, ran };
    },
  ],
  [
    "an array with replaced flatMap, map and iterator holding a malformed item",
    () => {
      const { hit, ran } = counter();
      return { input: withReplacedMethods([parameterChangeEvent("/a"), { nope: 1 }], hit), ran };
    },
  ],
  [
    "arrays sharing one array 10 times per level, 5 levels deep (100,000 events)",
    () => {
      let level: unknown = parameterChangeEvent("/a");
      for (let depth = 0; depth < 5; depth++) level = Array.from({ length: 10 }, () => level);
      return { input: level, ran: none };
    },
  ],
  ["a sparse array of length 2^32 - 1", () => ({ input: sparse(2 ** 32 - 1), ran: none })],
  [
    "10,001 events in one array",
    () => ({ input: Array.from({ length: 10_001 }, () => parameterChangeEvent("/a")), ran: none }),
  ],
  [
    "a Lambda event of 10,001 records",
    () => {
      const body = JSON.stringify(parameterChangeEvent("/a"));
      return { input: { Records: Array.from({ length: 10_001 }, () => ({ body })) }, ran: none };
    },
  ],
  [
    "a secret event with 2^32 - 1 resources",
    () => ({
      input: { ...secretApiCallEvent("PutSecretValue", "prod/db"), resources: sparse(2 ** 32 - 1) },
      ran: none,
    }),
  ],
  ["a symbol", () => ({ input: Symbol("event"), ran: none })],
  [
    "an SNS envelope whose Type is a symbol",
    () => ({ input: { Type: Symbol("Notification"), Message: "{}" }, ran: none }),
  ],
  [
    "an event whose detail.name is a symbol",
    () => {
      const event = parameterChangeEvent("/a");
      return { input: { ...event, detail: { ...event.detail, name: Symbol("/a") } }, ran: none };
    },
  ],
  [
    "an event whose detail.name is a BigInt",
    () => {
      const event = parameterChangeEvent("/a");
      return { input: { ...event, detail: { ...event.detail, name: 10n } }, ran: none };
    },
  ],
  ["an event body of 1 MiB + 1 characters", () => ({ input: paddedBody(1_048_577), ran: none })],
  [
    "JSON nested 100,000 levels deep",
    () => ({ input: `${"[".repeat(100_000)}${"]".repeat(100_000)}`, ran: none }),
  ],
  [
    "a parameter name of 2,049 characters",
    () => ({ input: parameterChangeEvent(`/${"n".repeat(2_048)}`), ran: none }),
  ],
  [
    "an event whose properties are all inherited",
    () => ({ input: Object.create(parameterChangeEvent("/a")) as unknown, ran: none }),
  ],
  ["a String object", () => ({ input: new String("[]"), ran: none })],
  ["a Map", () => ({ input: new Map([["detail-type", "x"]]), ran: none })],
  ["a Date", () => ({ input: new Date(0), ran: none })],
];

/** Hostile-looking inputs that are plain data underneath: read as such, running none of their code. */
export const HOSTILE_ACCEPTED: Array<[string, () => HostileInput]> = [
  [
    "an event with a null prototype",
    () => ({ input: Object.assign(Object.create(null), parameterChangeEvent("/a")), ran: none }),
  ],
  [
    "a Proxy of an event, without traps",
    () => ({ input: new Proxy(parameterChangeEvent("/a"), {}), ran: none }),
  ],
  [
    "an array whose flatMap, map and iterator are replaced",
    () => {
      const { hit, ran } = counter();
      return { input: withReplacedMethods([parameterChangeEvent("/a")], hit), ran };
    },
  ],
  [
    "a Lambda event whose Records' methods are replaced",
    () => {
      const { hit, ran } = counter();
      const body = JSON.stringify(parameterChangeEvent("/a"));
      return { input: { Records: withReplacedMethods([{ body }], hit) }, ran };
    },
  ],
  ["an event body of 1 MiB (the bound)", () => ({ input: paddedBody(1_048_576), ran: none })],
  [
    "10,000 events in one array (the bound)",
    () => ({ input: Array.from({ length: 10_000 }, () => parameterChangeEvent("/a")), ran: none }),
  ],
];
