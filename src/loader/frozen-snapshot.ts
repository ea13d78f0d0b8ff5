import { inspect } from "node:util";
import { defineOwn } from "../mapping/config-tree.js";
import { REDACTED, type SecretScrubber } from "../sensitive.js";
import type { ParameterEntry } from "../sources/contract.js";

/** One position of a snapshot, seen from its sensitive entries. */
interface PathNode {
  /** True at a sensitive entry's key and everywhere below it. */
  readonly sensitive: boolean;
  readonly children: ReadonlyMap<string, PathNode>;
  readonly plan: RedactionPlan;
}

/**
 * How to redact the snapshots built from one entry set: a trie of the sensitive entries' keys
 * (every leaf under one is replaced), and the entry set's scrubber, which catches leaves that
 * derive from a secret wherever the schema put them. Built in time linear in the sensitive
 * entries; each redaction is then linear in the snapshot.
 */
class RedactionPlan {
  readonly root: PathNode;
  readonly everything: PathNode;
  readonly nothing: PathNode;
  readonly #scrubberSource: SecretScrubber | (() => SecretScrubber);
  #scrubber: SecretScrubber | undefined;

  constructor(
    entries: Iterable<ParameterEntry>,
    scrubber: SecretScrubber | (() => SecretScrubber),
  ) {
    this.#scrubberSource = scrubber;
    this.everything = { sensitive: true, children: new Map(), plan: this };
    this.nothing = { sensitive: false, children: new Map(), plan: this };
    type Building = { sensitive: boolean; children: Map<string, Building>; plan: RedactionPlan };
    const root: Building = { sensitive: false, children: new Map(), plan: this };
    for (const entry of entries) {
      if (!entry.sensitive) continue;
      let node = root;
      for (const segment of entry.segments) {
        let child = node.children.get(segment);
        if (!child) {
          child = { sensitive: false, children: new Map(), plan: this };
          node.children.set(segment, child);
        }
        node = child;
      }
      node.sensitive = true;
    }
    this.root = root;
  }

  get scrubber(): SecretScrubber {
    this.#scrubber ??=
      typeof this.#scrubberSource === "function" ? this.#scrubberSource() : this.#scrubberSource;
    return this.#scrubber;
  }

  child(node: PathNode, key: string): PathNode {
    if (node === this.nothing) return node;
    if (node.sensitive) return this.everything;
    return node.children.get(key) ?? this.nothing;
  }

  /**
   * A plain copy of `value` (found at `start`) with every sensitive leaf replaced. Iterative, so
   * that no depth overflows the stack; shared and cyclic objects are copied once per position.
   */
  redact(value: unknown, start: PathNode): unknown {
    const scrubber = this.scrubber;
    const copies = new Map<object, Array<[PathNode, unknown]>>();
    const fills: Array<{ source: object; target: unknown; node: PathNode }> = [];
    const convert = (item: unknown, node: PathNode): unknown => {
      if (typeof item !== "object" || item === null) {
        return node.sensitive || scrubber.derivesFromSecret(item) ? REDACTED : item;
      }
      const known = copies.get(item);
      if (known) for (const [at, copy] of known) if (at === node) return copy;
      let copy: unknown;
      if (item instanceof Date) {
        copy = node.sensitive || scrubber.derivesFromSecret(item) ? REDACTED : new Date(item);
      } else if (ArrayBuffer.isView(item)) {
        const text = Buffer.from(item.buffer, item.byteOffset, item.byteLength).toString("utf8");
        copy = node.sensitive || scrubber.contains(text) ? REDACTED : item;
      } else {
        // A shell now, filled later, so that the copy keeps the original's key order.
        copy = Array.isArray(item)
          ? new Array(item.length)
          : item instanceof Map
            ? new Map()
            : item instanceof Set
              ? new Set()
              : {};
        fills.push({ source: item, target: copy, node });
      }
      if (known) known.push([node, copy]);
      else copies.set(item, [[node, copy]]);
      return copy;
    };
    const result = convert(value, start);
    while (fills.length > 0) {
      const { source, target, node } = fills.pop() as (typeof fills)[number];
      if (Array.isArray(source)) {
        const array = target as unknown[];
        for (let index = 0; index < source.length; index++) {
          array[index] = convert(source[index], this.child(node, String(index)));
        }
      } else if (source instanceof Map) {
        for (const [key, item] of source) {
          (target as Map<unknown, unknown>).set(
            convert(key, this.nothing),
            convert(item, this.child(node, String(key))),
          );
        }
      } else if (source instanceof Set) {
        let index = 0;
        for (const item of source) {
          (target as Set<unknown>).add(convert(item, this.child(node, String(index++))));
        }
      } else {
        const object = target as Record<string, unknown>;
        for (const key of Object.keys(source)) {
          let item: unknown;
          try {
            item = (source as Record<string, unknown>)[key];
          } catch {
            item = REDACTED;
          }
          const copy = convert(item, this.child(node, key));
          if (key === "__proto__") defineOwn(object, key, copy);
          else object[key] = copy;
        }
      }
    }
    return result;
  }
}

/** Where each object of a frozen snapshot sits, so that printing it alone redacts it too. */
const positions = new WeakMap<object, PathNode>();

/** The redacted copy of a snapshot object, as its `toJSON` and `util.inspect` show it. */
function redactedView(this: unknown): unknown {
  if (typeof this !== "object" || this === null) return REDACTED;
  const node = positions.get(this);
  return node ? node.plan.redact(this, node) : REDACTED;
}

function isPlainContainer(value: object): boolean {
  if (Array.isArray(value)) return true;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

/**
 * Deeply freezes a validated snapshot and makes it print redacted: each of its plain objects and
 * arrays (and the root, whatever it is) gets a non-enumerable `toJSON` and `util.inspect.custom`
 * that render the redacted copy (see {@link redactSnapshot}) of that object. Property reads,
 * `Object.keys`, spreading and `structuredClone` see the values as they are; copies made that way
 * are ordinary data and print in the clear. An object that already has an own `toJSON` key keeps
 * it (its parent still prints redacted). Iterative: no depth overflows the stack.
 */
export function freezeSnapshot<T>(
  value: T,
  entries: Iterable<ParameterEntry>,
  scrubber: SecretScrubber | (() => SecretScrubber),
): T {
  const plan = new RedactionPlan(entries, scrubber);
  const seen = new Set<object>();
  const pending: Array<{ value: unknown; node: PathNode }> = [{ value, node: plan.root }];
  while (pending.length > 0) {
    const { value: item, node } = pending.pop() as { value: unknown; node: PathNode };
    if (typeof item !== "object" || item === null) continue;
    if (seen.has(item)) {
      // Reached again by another key: print it as redacted as its most sensitive position.
      if (positions.get(item) !== node) positions.set(item, plan.everything);
      continue;
    }
    seen.add(item);
    positions.set(item, node);
    // Typed arrays and other exotic objects cannot be frozen element-wise; freeze what can be.
    if (ArrayBuffer.isView(item)) continue;
    if (Object.isExtensible(item) && (item === value || isPlainContainer(item))) {
      Object.defineProperty(item, inspect.custom, { value: redactedView });
      if (!Object.hasOwn(item, "toJSON"))
        Object.defineProperty(item, "toJSON", { value: redactedView });
    }
    for (const key of Reflect.ownKeys(item)) {
      const descriptor = Object.getOwnPropertyDescriptor(item, key);
      if (!descriptor || !("value" in descriptor)) continue;
      const childNode = typeof key === "string" ? plan.child(node, key) : node;
      pending.push({ value: descriptor.value, node: childNode });
    }
    Object.freeze(item);
  }
  return value;
}

/** Freezes a value and everything reachable from it, without redacted printing. Iterative. */
export function deepFreeze<T>(value: T): T {
  const seen = new Set<object>();
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const item = pending.pop();
    if (typeof item !== "object" || item === null || seen.has(item)) continue;
    seen.add(item);
    if (ArrayBuffer.isView(item)) continue;
    for (const key of Reflect.ownKeys(item)) {
      const descriptor = Object.getOwnPropertyDescriptor(item, key);
      if (descriptor && "value" in descriptor) pending.push(descriptor.value);
    }
    Object.freeze(item);
  }
  return value;
}

/**
 * A deep copy of a validated snapshot that is safe to log. A leaf becomes `[REDACTED]` when it
 * sits under a sensitive key, or when it derives from a secret wherever the schema put it: a
 * string containing one (in any form the scrubber knows), or a number, bigint, boolean or date
 * equal to what a secret coerces to (see `SecretScrubber.derivesFromSecret`).
 */
export function redactSnapshot(
  snapshot: unknown,
  entries: Iterable<ParameterEntry>,
  scrubber: SecretScrubber | (() => SecretScrubber),
): unknown {
  const plan = new RedactionPlan(entries, scrubber);
  return plan.redact(snapshot, plan.root);
}
