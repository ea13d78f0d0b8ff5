import { inspect } from "node:util";
import type { ParameterEntry } from "./sources/contract.js";

/** What every sensitive value prints as. */
export const REDACTED = "[REDACTED]";

/**
 * A secret string that cannot be printed by accident: `String()`, template literals,
 * `JSON.stringify` and `util.inspect` all show `[REDACTED]`. Only {@link SensitiveString.reveal}
 * returns the value, and only the last step that needs it (building the tree the schema
 * validates) calls it.
 */
export class SensitiveString {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The secret itself. */
  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}

/**
 * Below this length a form is scrubbed only as a whole token (not inside a word): replacing
 * every "a" of a message would make it unreadable, but `password "ab"` must still lose its "ab".
 */
const MIN_SUBSTRING_LENGTH = 3;
/** Forms at least this long are found through a trie of 8-character chunks (see FormIndex). */
const CHUNK = 8;
/** Depth of that trie: forms sharing a 32-character prefix share one candidate list. */
const MAX_CHUNKS = 4;
/** JSON strings nested inside a JSON secret are parsed this many levels deep. */
const MAX_EMBEDDED_JSON = 4;
/** What z.stringbool() (and most boolean coercions) read as true and false. */
const TRUE_WORDS = new Set(["true", "1", "yes", "on", "y", "enabled"]);
const FALSE_WORDS = new Set(["false", "0", "no", "off", "n", "disabled"]);

/**
 * Everything derived from one secret value, worked out once: the text forms a message may echo,
 * the scalar forms a schema may turn it into, and the keys of a JSON secret.
 */
export interface SecretMaterial {
  /** Case-folded text forms (raw, trimmed, JSON-escaped, base64, URI-encoded, JSON leaves…). */
  readonly forms: readonly string[];
  /** Scalar forms: `n:<number>`, `b:<boolean>`, `d:<epoch ms>`. */
  readonly scalars: readonly string[];
  /** Object keys anywhere inside a JSON secret. */
  readonly keys: readonly string[];
}

/** Works out the material of one whole secret value (a SecureString, a secret, a list item). */
export function secretMaterial(secret: string): SecretMaterial {
  const forms = new Set<string>();
  const scalars = new Set<string>();
  const keys = new Set<string>();
  addTextForms(secret, forms);
  addScalarForms(secret, scalars, true);
  collectJson(
    secret,
    (leaf) => {
      if (typeof leaf === "string") {
        addTextForms(leaf, forms);
        addScalarForms(leaf, scalars, false);
      } else {
        // A number leaf: its text (a message may echo "5432") and its value.
        addTextForms(String(leaf), forms);
        scalars.add(`n:${String(leaf)}`);
      }
    },
    (key) => {
      keys.add(key);
      // zod echoes an unexpected key quoted ('Unrecognized key: "k"'); bare keys are ordinary
      // words ("password") that would erase every message, so only quoted forms are scrubbed.
      for (const quoted of [JSON.stringify(key), `'${key}'`, `\`${key}\``])
        addFolded(quoted, forms);
      addFolded(JSON.stringify(JSON.stringify(key)).slice(1, -1), forms);
    },
  );
  return { forms: [...forms], scalars: [...scalars], keys: [...keys] };
}

function addFolded(form: string, into: Set<string>): void {
  if (form.length > 0) into.add(foldCase(form));
}

/** The forms of a text that a message may echo instead of the text itself. */
function addTextForms(value: string, into: Set<string>): void {
  for (const text of new Set([value, value.trim()])) {
    if (text.length === 0) continue;
    const escaped = JSON.stringify(text).slice(1, -1);
    addFolded(text, into);
    addFolded(escaped, into);
    addFolded(JSON.stringify(escaped).slice(1, -1), into);
    const base64 = Buffer.from(text, "utf8").toString("base64").replace(/=+$/, "");
    addFolded(base64, into);
    addFolded(base64.replaceAll("+", "-").replaceAll("/", "_"), into);
    try {
      const component = encodeURIComponent(text);
      addFolded(component, into);
      addFolded(component.replaceAll("%20", "+"), into);
      addFolded(encodeURI(text), into);
    } catch {
      // A lone surrogate cannot be URI-encoded, so no message holds it encoded either.
    }
  }
}

/** The scalar values a schema may coerce a text into (`z.coerce.number()`, `z.stringbool()`…). */
function addScalarForms(value: string, into: Set<string>, whole: boolean): void {
  const text = value.trim();
  if (text.length === 0) return;
  const number = Number(text);
  if (Number.isFinite(number)) into.add(`n:${String(number)}`);
  if (/^[+-]?\d+$/.test(text)) into.add(`n:${BigInt(text).toString()}`);
  // Booleans only for a whole value: a flag inside a JSON secret is one bit, and matching it would
  // mask every true or false of the config.
  if (whole) {
    const word = text.toLowerCase();
    if (TRUE_WORDS.has(word)) into.add("b:true");
    if (FALSE_WORDS.has(word)) into.add("b:false");
  }
  if (!Number.isFinite(number)) {
    const time = Date.parse(text);
    if (Number.isFinite(time)) into.add(`d:${time}`);
  }
}

/**
 * Visits the string and number leaves, and the keys, of a text that holds JSON, including JSON
 * strings nested inside it. Iterative: a secret nested thousands of levels deep cannot overflow
 * the stack.
 */
function collectJson(
  text: string,
  visitLeaf: (leaf: string | number) => void,
  visitKey: (key: string) => void,
): void {
  const documents: Array<{ text: string; level: number }> = [{ text, level: 0 }];
  while (documents.length > 0) {
    const document = documents.pop() as { text: string; level: number };
    const trimmed = document.text.trim();
    if (!trimmed.startsWith("{") && !trimmed.startsWith("[") && !trimmed.startsWith('"')) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      continue;
    }
    const stack: unknown[] = [parsed];
    while (stack.length > 0) {
      const value = stack.pop();
      if (typeof value === "string") {
        visitLeaf(value);
        if (document.level < MAX_EMBEDDED_JSON)
          documents.push({ text: value, level: document.level + 1 });
      } else if (typeof value === "number") visitLeaf(value);
      else if (Array.isArray(value)) for (const item of value) stack.push(item);
      else if (typeof value === "object" && value !== null) {
        for (const [key, item] of Object.entries(value)) {
          visitKey(key);
          stack.push(item);
        }
      }
    }
  }
}

/**
 * Lower-cases a text without changing its length, so that positions in the folded text are
 * positions in the original (a few characters, such as "İ", lower-case to two code units: those
 * stay as they are).
 */
function foldCase(text: string): string {
  const lower = text.toLowerCase();
  if (lower.length === text.length) return lower;
  let folded = "";
  for (const char of text) {
    const one = char.toLowerCase();
    folded += one.length === char.length ? one : char;
  }
  return folded;
}

function isWordChar(code: number): boolean {
  return (
    (code >= 48 && code <= 57) ||
    (code >= 65 && code <= 90) ||
    (code >= 97 && code <= 122) ||
    code === 95 ||
    (code > 127 && /[\p{L}\p{N}]/u.test(String.fromCharCode(code)))
  );
}

/**
 * `text.startsWith(form, index)`, fast for long forms: V8 compares `startsWith` character by
 * character (about 2 ns each), while `===` on a slice compares memory (a 2 KB secret: 4.4 us
 * against 0.4 us).
 */
function startsWithAt(text: string, form: string, index: number): boolean {
  if (form.length <= 64) return text.startsWith(form, index);
  if (index + form.length > text.length) return false;
  return index === 0 && form.length === text.length
    ? text === form
    : text.slice(index, index + form.length) === form;
}

function pairHash(text: string, index: number): number {
  // Exact for two Latin-1 characters (the usual case), a plain hash beyond.
  const first = text.charCodeAt(index);
  const second = text.charCodeAt(index + 1);
  return (((first ^ (first >>> 8)) & 0xff) << 8) | ((second ^ (second >>> 8)) & 0xff);
}

interface ChunkNode {
  /** Forms whose chunk path ends here, longest first. */
  forms: string[];
  children: Map<string, ChunkNode> | undefined;
}

/**
 * A set of forms that finds the longest one starting at a position of a text in near-constant
 * time, whatever the number of forms: short forms by exact lookup per length, longer ones
 * through a trie of 8-character chunks, so that only forms sharing a prefix are compared. Scanning
 * a text is therefore linear in the text, not in text × forms.
 */
class FormIndex {
  readonly #all = new Set<string>();
  readonly #tokens = new Set<string>();
  readonly #short = new Map<number, Set<string>>();
  #shortLengths: number[] = [];
  readonly #root: ChunkNode = { forms: [], children: undefined };
  /** First two characters of every form of two or more, hashed: most positions stop here. */
  readonly #starts = new Uint8Array(1 << 16);
  /** Forms of one character (scrubbed as whole tokens only). */
  readonly #singles = new Uint8Array(1 << 16);
  /** Candidate lists that gained a form since the last sort (none: every list is sorted). */
  readonly #dirty: ChunkNode[] = [];

  get size(): number {
    return this.#all.size;
  }

  add(form: string): void {
    if (form.length === 0 || this.#all.has(form)) return;
    this.#all.add(form);
    if (form.length === 1) this.#singles[form.charCodeAt(0)] = 1;
    else this.#starts[pairHash(form, 0)] = 1;
    if (form.length < MIN_SUBSTRING_LENGTH) {
      this.#tokens.add(form);
      return;
    }
    if (form.length < CHUNK) {
      let set = this.#short.get(form.length);
      if (!set) {
        set = new Set();
        this.#short.set(form.length, set);
        this.#shortLengths = [...this.#short.keys()].sort((a, b) => b - a);
      }
      set.add(form);
      return;
    }
    let node = this.#root;
    const depth = Math.min(Math.floor(form.length / CHUNK), MAX_CHUNKS);
    for (let level = 0; level < depth; level++) {
      const chunk = form.slice(level * CHUNK, (level + 1) * CHUNK);
      node.children ??= new Map();
      let child = node.children.get(chunk);
      if (!child) {
        child = { forms: [], children: undefined };
        node.children.set(chunk, child);
      }
      node = child;
    }
    node.forms.push(form);
    if (node.forms.length > 1) this.#dirty.push(node);
  }

  /** The length of the longest form starting at `index` of the folded text, 0 when none. */
  matchAt(text: string, index: number): number {
    if (
      (index + 1 >= text.length || this.#starts[pairHash(text, index)] === 0) &&
      this.#singles[text.charCodeAt(index)] === 0
    )
      return 0;
    if (this.#dirty.length > 0) this.#sort();
    let best = 0;
    let node: ChunkNode | undefined = this.#root;
    for (let level = 0; node && level < MAX_CHUNKS; level++) {
      const start = index + level * CHUNK;
      if (start + CHUNK > text.length || !node.children) break;
      node = node.children.get(text.slice(start, start + CHUNK));
      if (!node) break;
      for (const form of node.forms) {
        if (form.length > best && startsWithAt(text, form, index)) {
          best = form.length;
          break;
        }
      }
    }
    if (best > 0) return best;
    for (const length of this.#shortLengths) {
      if (
        index + length <= text.length &&
        this.#short.get(length)?.has(text.slice(index, index + length))
      )
        return length;
    }
    if (this.#tokens.size > 0 && (index === 0 || !isWordChar(text.charCodeAt(index - 1)))) {
      for (const length of [2, 1]) {
        const end = index + length;
        if (end > text.length || (end < text.length && isWordChar(text.charCodeAt(end)))) continue;
        if (this.#tokens.has(text.slice(index, end))) return length;
      }
    }
    return 0;
  }

  /** Sorts each candidate list once, longest first, after a batch of additions. */
  #sort(): void {
    for (const node of this.#dirty.splice(0)) node.forms.sort((a, b) => b.length - a.length);
  }
}

/**
 * Removes known secret values, and the forms a message may echo them in, from text; and tells
 * whether a value of a snapshot derives from a secret. It learns each sensitive value of a set of
 * entries once (see {@link secretMaterial}); scrubbing and checking are then linear in the text,
 * whatever the number of secrets.
 *
 * Scrubbed forms: the value, trimmed, in any letter case, JSON-escaped (once and twice), base64
 * (standard and URL-safe, without padding), URI-encoded; for a JSON secret also each string and
 * number field in those forms, JSON strings nested in it, and its keys when quoted. Forms shorter
 * than 3 characters are scrubbed only as whole tokens.
 */
export class SecretScrubber {
  readonly #forms = new FormIndex();
  readonly #scalars = new Set<string>();
  readonly #keys = new Set<string>();

  /** Remembers a secret value and everything derived from it. */
  add(secret: string): void {
    this.addMaterial(secretMaterial(secret));
  }

  /** Remembers material worked out earlier (see {@link secretMaterial}). */
  addMaterial(material: SecretMaterial): void {
    for (const form of material.forms) this.#forms.add(form);
    for (const scalar of material.scalars) this.#scalars.add(scalar);
    for (const key of material.keys) this.#keys.add(key);
  }

  /** Text with every remembered form replaced by `[REDACTED]`, longest match first. */
  scrub(text: string): string {
    if (this.#forms.size === 0 || text.length === 0) return text;
    const folded = foldCase(text);
    let result = "";
    let kept = 0;
    for (let index = 0; index < folded.length; ) {
      const length = this.#forms.matchAt(folded, index);
      if (length === 0) {
        index++;
        continue;
      }
      result += text.slice(kept, index) + REDACTED;
      index += length;
      kept = index;
    }
    return kept === 0 ? text : result + text.slice(kept);
  }

  /** True when `text` contains a remembered form. */
  contains(text: string): boolean {
    if (this.#forms.size === 0 || text.length === 0) return false;
    const folded = foldCase(text);
    for (let index = 0; index < folded.length; index++)
      if (this.#forms.matchAt(folded, index) > 0) return true;
    return false;
  }

  /**
   * True when a leaf of a schema's output may derive from a secret: a string that contains one
   * (or a number-like string equal to a secret's number), or a number, bigint, boolean or date
   * equal to what a secret coerces to.
   */
  derivesFromSecret(value: unknown): boolean {
    switch (typeof value) {
      case "string": {
        if (this.contains(value)) return true;
        const number = value.trim() === "" ? Number.NaN : Number(value);
        return Number.isFinite(number) && this.#scalars.has(`n:${String(number)}`);
      }
      case "number":
      case "bigint":
        return this.#scalars.has(`n:${String(value)}`);
      case "boolean":
        return this.#scalars.has(`b:${String(value)}`);
      default:
        return value instanceof Date && this.#scalars.has(`d:${value.getTime()}`);
    }
  }

  /** True when `key` is a key inside a remembered JSON secret. */
  isSecretKey(key: string): boolean {
    return this.#keys.has(key);
  }

  /** Scrubs an error's message, stack and cause chain (and an `AggregateError`'s errors) in place. */
  scrubError(error: unknown): void {
    if (this.#forms.size === 0) return;
    const seen = new Set<unknown>();
    const pending: unknown[] = [error];
    while (pending.length > 0) {
      const current = pending.pop();
      if (!(current instanceof Error) || seen.has(current)) continue;
      seen.add(current);
      const writable = current as { message: string; stack?: string; cause?: unknown };
      try {
        // `scrub` returns the very string it was given when nothing in it is a secret.
        const message = this.scrub(current.message);
        if (message !== current.message) writable.message = message;
        const stack = current.stack && this.scrub(current.stack);
        if (stack !== current.stack) writable.stack = stack;
        if (typeof writable.cause === "string") {
          const cause = this.scrub(writable.cause);
          if (cause !== writable.cause) writable.cause = cause;
        }
      } catch {
        // A frozen error cannot be scrubbed; nothing of ours will print it.
      }
      pending.push(writable.cause);
      if (current instanceof AggregateError && Array.isArray(current.errors))
        pending.push(...current.errors);
    }
  }
}

/** Material per entry, worked out once: an unchanged entry costs nothing on the next snapshot. */
const materials = new WeakMap<ParameterEntry, readonly SecretMaterial[]>();

function materialOf(entry: ParameterEntry): readonly SecretMaterial[] {
  let material = materials.get(entry);
  if (!material) {
    const values: string[] = [];
    if (entry.value instanceof SensitiveString) values.push(entry.value.reveal());
    else if (entry.sensitive && typeof entry.value === "string") values.push(entry.value);
    else if (entry.sensitive && Array.isArray(entry.value)) {
      for (const item of entry.value) {
        if (typeof item === "string") values.push(item);
        else if (item instanceof SensitiveString) values.push(item.reveal());
      }
    }
    material = values.map(secretMaterial);
    materials.set(entry, material);
  }
  return material;
}

/** True when an entry holds a secret: it is sensitive, or its value is a `SensitiveString`. */
export function holdsSecret(entry: ParameterEntry): boolean {
  return entry.sensitive || entry.value instanceof SensitiveString;
}

/** A scrubber that knows every secret of the given entries. */
export function scrubberOf(
  ...entryLists: Array<Iterable<ParameterEntry> | undefined>
): SecretScrubber {
  const scrubber = new SecretScrubber();
  for (const entries of entryLists) {
    for (const entry of entries ?? []) {
      if (!holdsSecret(entry)) continue;
      for (const material of materialOf(entry)) scrubber.addMaterial(material);
    }
  }
  return scrubber;
}

/** A scrubber that knows every secret of the given entry sets. */
export function scrubberFor(
  ...entrySets: Array<ReadonlyMap<string, ParameterEntry> | undefined>
): SecretScrubber {
  return scrubberOf(...entrySets.map((entries) => entries?.values()));
}
