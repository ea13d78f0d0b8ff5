import { inspect } from "node:util";
import { setOwn } from "../mapping/config-tree.js";
import { holdsSecret, REDACTED, type SecretScrubber, scrubberOf } from "../sensitive.js";
import { keySegments, type ParameterEntry } from "../sources/contract.js";

/** One position of a snapshot, seen from its sensitive entries. */
interface PathNode {
  /** True at a sensitive entry's key and everywhere below it. */
  readonly sensitive: boolean;
  readonly children: ReadonlyMap<string, PathNode>;
}

const NO_CHILDREN: ReadonlyMap<string, PathNode> = new Map();
/** Under a sensitive key: every leaf is redacted. */
const EVERYTHING: PathNode = { sensitive: true, children: NO_CHILDREN };
/** Off every sensitive key: only leaves that derive from a secret are redacted. */
const NOTHING: PathNode = { sensitive: false, children: NO_CHILDREN };

/**
 * The keys of an entry set's sensitive entries, as a trie: every leaf under one is redacted.
 * Immutable, so that the snapshots of entry sets with the same secrets share one (see
 * {@link SensitivePaths.update}), and with it one {@link RedactionPlan}; built in time linear in
 * the entries.
 */
export class SensitivePaths {
  readonly root: PathNode;
  /** The entries that hold a secret: what the plan's scrubber learns, when it is first needed. */
  readonly #secrets: readonly ParameterEntry[];
  #plan: RedactionPlan | undefined;

  constructor(entries: Iterable<ParameterEntry>) {
    type Building = { sensitive: boolean; children: Map<string, Building> };
    const root: Building = { sensitive: false, children: new Map() };
    const secrets: ParameterEntry[] = [];
    for (const entry of entries) {
      if (!holdsSecret(entry)) continue;
      secrets.push(entry);
      if (!entry.sensitive) continue;
      let node = root;
      const segments = keySegments(entry);
      // A sensitive key's node needs no children of its own: everything below it is sensitive.
      for (let index = 0; index < segments.length && !node.sensitive; index++) {
        const segment = segments[index] as string;
        let child = node.children.get(segment);
        if (!child) {
          // Every sensitive key's own node is the one shared EVERYTHING node (a node per
          // secret would cost 40 bytes each); nothing is ever added below it.
          child =
            index === segments.length - 1
              ? (EVERYTHING as Building)
              : { sensitive: false, children: new Map() };
          node.children.set(segment, child);
        }
        node = child;
      }
      if (node !== EVERYTHING) node.sensitive = true;
    }
    this.root = root;
    this.#secrets = secrets;
  }

  /**
   * How snapshots of these entries are redacted: one plan for every snapshot that shares these
   * paths, so that they share its scrubber (built once, on the first print) and its printing
   * functions, by which {@link freezeSnapshot} recognises a branch it already froze.
   */
  get plan(): RedactionPlan {
    this.#plan ??= new RedactionPlan(this, () => scrubberOf(this.#secrets));
    return this.#plan;
  }

  /**
   * The paths of `next`, given that it differs from `previous` (whose paths these are) only at
   * `touched` keys: these same paths when no touched key holds, or held, a secret (so the
   * secrets, too, are the same); built anew otherwise. Costs the touched keys in the common case.
   */
  update(
    previous: ReadonlyMap<string, ParameterEntry>,
    next: ReadonlyMap<string, ParameterEntry>,
    touched: Iterable<string>,
  ): SensitivePaths {
    for (const key of touched) {
      const before = previous.get(key);
      const after = next.get(key);
      if ((before && holdsSecret(before)) || (after && holdsSecret(after))) {
        return new SensitivePaths(next.values());
      }
    }
    return this;
  }

  child(node: PathNode, key: string): PathNode {
    if (node === NOTHING) return node;
    if (node.sensitive) return EVERYTHING;
    return node.children.get(key) ?? NOTHING;
  }
}

/**
 * How to redact the snapshots built from one entry set: its sensitive keys' paths, and the entry
 * set's scrubber, which catches leaves that derive from a secret wherever the schema put them.
 * Each redaction is linear in the snapshot.
 */
class RedactionPlan {
  readonly paths: SensitivePaths;
  #scrubberSource: SecretScrubber | (() => SecretScrubber) | undefined;
  #scrubber: SecretScrubber | undefined;
  /** One printing function per position (a handful: most objects sit at no sensitive key). */
  readonly #views = new Map<PathNode, (this: unknown) => unknown>();

  constructor(paths: SensitivePaths, scrubber: SecretScrubber | (() => SecretScrubber)) {
    this.paths = paths;
    this.#scrubberSource = scrubber;
  }

  get scrubber(): SecretScrubber {
    if (!this.#scrubber) {
      const source = this.#scrubberSource as SecretScrubber | (() => SecretScrubber);
      this.#scrubber = typeof source === "function" ? source() : source;
      this.#scrubberSource = undefined;
    }
    return this.#scrubber;
  }

  /** The printing function of objects at `node`: an object carries its position in it. */
  viewAt(node: PathNode): (this: unknown) => unknown {
    let view = this.#views.get(node);
    if (!view) {
      const position: Position = { plan: this, node };
      view = function redacted(this: unknown) {
        return redactedView(this, position);
      };
      this.#views.set(node, view);
    }
    return view;
  }

  /**
   * True when `item` was frozen by {@link freezeSnapshot} with this plan at `node`: it and all
   * below it are frozen and print as this snapshot would print them.
   */
  froze(item: object, node: PathNode): boolean {
    const view = this.#views.get(node);
    return (
      view !== undefined && Object.getOwnPropertyDescriptor(item, inspect.custom)?.value === view
    );
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
          array[index] = convert(source[index], this.paths.child(node, String(index)));
        }
      } else if (source instanceof Map) {
        for (const [key, item] of source) {
          (target as Map<unknown, unknown>).set(
            convert(key, NOTHING),
            convert(item, this.paths.child(node, String(key))),
          );
        }
      } else if (source instanceof Set) {
        let index = 0;
        for (const item of source) {
          (target as Set<unknown>).add(convert(item, this.paths.child(node, String(index++))));
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
          const copy = convert(item, this.paths.child(node, key));
          setOwn(object, key, copy);
        }
      }
    }
    return result;
  }
}

/** Objects with more own keys than this are turned into dictionaries before they are frozen. */
const LARGE_OBJECT_KEYS = 32;
const TO_DICTIONARY = Symbol("to-dictionary");

/** A snapshot object's position: what its `toJSON` and `util.inspect` redact it with. */
interface Position {
  readonly plan: RedactionPlan;
  readonly node: PathNode;
}

/**
 * Positions that override the one an object's printing functions were made for: an object
 * reached by two keys (printed as redacted as its most sensitive position), or one frozen
 * before (by an earlier snapshot that shared it, or by the schema), which keeps the functions
 * it got then, or none.
 */
const overrides = new WeakMap<object, Position>();

/** The redacted copy of a snapshot object at a position. */
function redactedView(target: unknown, position: Position): unknown {
  if (typeof target !== "object" || target === null) return REDACTED;
  const { plan, node } = overrides.get(target) ?? position;
  return plan.redact(target, node);
}

function isPlainContainer(value: object): boolean {
  if (Array.isArray(value)) return true;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

/**
 * An array with nothing but its elements (no hole, no named or symbol property but `length`):
 * walked by index. Anything else takes the general, descriptor-by-descriptor path.
 */
function isPlainList(value: object): value is unknown[] {
  return (
    Array.isArray(value) &&
    Object.getOwnPropertyNames(value).length === value.length + 1 &&
    Object.getOwnPropertySymbols(value).length === 0
  );
}

/** An array frozen by someone else than {@link freezeSnapshot}: it has no printing functions. */
function isBareFrozenList(value: unknown): value is unknown[] {
  return (
    Array.isArray(value) && !Object.isExtensible(value) && !Object.hasOwn(value, inspect.custom)
  );
}

function pathsOf(entries: Iterable<ParameterEntry> | SensitivePaths): SensitivePaths {
  return entries instanceof SensitivePaths ? entries : new SensitivePaths(entries);
}

/**
 * Deeply freezes a validated snapshot and makes it print redacted: each of its plain objects and
 * arrays (and the root, whatever it is) gets a non-enumerable `toJSON` and `util.inspect.custom`
 * that render the redacted copy (see {@link redactSnapshot}) of that object. Property reads,
 * `Object.keys`, spreading and `structuredClone` see the values as they are; copies made that way
 * are ordinary data and print in the clear. An object that already has an own `toJSON` key keeps
 * it (its parent still prints redacted). Iterative: no depth overflows the stack.
 *
 * A branch that an earlier snapshot with the same paths (and so the same secrets) froze at the
 * same position is already what this one would make of it, and is not walked again: a snapshot
 * that shares its unchanged branches with the previous one costs only its new objects.
 */
export function freezeSnapshot<T>(value: T, paths: SensitivePaths): T {
  if (typeof value !== "object" || value === null) return value;
  const plan = paths.plan;
  const seen = new Map<object, PathNode>();
  // Two parallel stacks (object, its position) rather than one record per property: a snapshot
  // of 10,000 keys is walked without allocating per leaf.
  const objects: object[] = [value];
  const nodes: PathNode[] = [plan.paths.root];
  while (objects.length > 0) {
    const item = objects.pop() as object;
    const node = nodes.pop() as PathNode;
    const first = seen.get(item);
    if (first !== undefined) {
      // Reached again by another key: print it as redacted as its most sensitive position.
      if (first !== node) overrides.set(item, { plan, node: EVERYTHING });
      continue;
    }
    seen.set(item, node);
    // Typed arrays and other exotic objects cannot be frozen element-wise; freeze what can be.
    if (ArrayBuffer.isView(item)) continue;
    const extensible = Object.isExtensible(item);
    // Frozen by a snapshot with these same secrets at this same position: nothing to do below.
    if (!extensible && plan.froze(item, node)) continue;
    if (extensible && isPlainList(item)) {
      // A list (every StringList is one): elements by index, with no descriptor per element.
      const view = plan.viewAt(node);
      Object.defineProperty(item, inspect.custom, { value: view });
      Object.defineProperty(item, "toJSON", { value: view });
      for (let index = 0; index < item.length; index++) {
        const element: unknown = item[index];
        if (typeof element !== "object" || element === null) continue;
        const child = isBareFrozenList(element) ? [...element] : element;
        if (child !== element) item[index] = child;
        objects.push(child);
        nodes.push(plan.paths.child(node, String(index)));
      }
      Object.freeze(item);
      continue;
    }
    const keys = Reflect.ownKeys(item);
    // Frozen by the schema, or by a snapshot of other secrets: see `overrides`.
    if (!extensible) overrides.set(item, { plan, node });
    else if (item === value || isPlainContainer(item)) {
      // An object with many keys is held as a hash table: built key by key (`defineProperty`,
      // spread, some schemas' outputs), V8 gives it one hidden class per key added, about
      // 100 bytes per key kept alive by the snapshot. Deleting a property other than the last
      // one turns it into a dictionary: about 40 bytes per key, same keys, same order.
      const large = keys.length > LARGE_OBJECT_KEYS && !Array.isArray(item);
      if (large) Object.defineProperty(item, TO_DICTIONARY, { value: true, configurable: true });
      const view = plan.viewAt(node);
      Object.defineProperty(item, inspect.custom, { value: view });
      if (!Object.hasOwn(item, "toJSON")) Object.defineProperty(item, "toJSON", { value: view });
      if (large) delete (item as Record<symbol, unknown>)[TO_DICTIONARY];
    }
    for (const key of keys) {
      const descriptor = Object.getOwnPropertyDescriptor(item, key);
      const found: unknown = descriptor?.value;
      if (typeof found !== "object" || found === null) continue;
      let child: object = found;
      if (extensible && descriptor?.writable && isBareFrozenList(found)) {
        // A list frozen without printing functions (a StringList as ssmSource holds it, a
        // schema's constant) would print in the clear on its own: hold a copy that gets them.
        child = [...found];
        Object.defineProperty(item, key, { value: child });
      }
      objects.push(child);
      nodes.push(typeof key === "string" ? plan.paths.child(node, key) : node);
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
  entries: Iterable<ParameterEntry> | SensitivePaths,
  scrubber?: SecretScrubber | (() => SecretScrubber),
): unknown {
  const paths = pathsOf(entries);
  const plan = scrubber === undefined ? paths.plan : new RedactionPlan(paths, scrubber);
  return plan.redact(snapshot, paths.root);
}
