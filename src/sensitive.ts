import { inspect } from "node:util";

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

/** Below this length a secret is not scrubbed by substring: "a" would erase every "a" in a message. */
const MIN_SCRUB_LENGTH = 3;

/**
 * Removes known secret values from text. It learns every sensitive value of a snapshot, plus the
 * string leaves of a secret that holds JSON, because a schema may echo an inner field of it.
 */
export class SecretScrubber {
  readonly #secrets = new Set<string>();

  /** Remembers a secret value (and, for a JSON secret, its string and number leaves). */
  add(secret: string): void {
    this.#remember(secret);
    // A schema message may echo the value JSON-quoted: `"pa\"ss"` must go as well as `pa"ss`.
    this.#remember(JSON.stringify(secret).slice(1, -1));
    const trimmed = secret.trim();
    if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
      try {
        collectLeaves(JSON.parse(trimmed), (leaf) => this.#remember(leaf));
      } catch {
        // Not JSON after all; the whole value is already remembered.
      }
    }
  }

  /** Text with every remembered secret replaced by `[REDACTED]`. */
  scrub(text: string): string {
    let result = text;
    // Longest first, so that a secret containing another one is replaced whole.
    for (const secret of [...this.#secrets].sort((a, b) => b.length - a.length)) {
      if (result.includes(secret)) result = result.split(secret).join(REDACTED);
    }
    return result;
  }

  /** True when `text` contains a remembered secret. */
  contains(text: string): boolean {
    for (const secret of this.#secrets) if (text.includes(secret)) return true;
    return false;
  }

  /** Scrubs an error's message, stack and cause chain (and an `AggregateError`'s errors) in place. */
  scrubError(error: unknown, seen = new Set<unknown>()): void {
    if (!(error instanceof Error) || seen.has(error) || this.#secrets.size === 0) return;
    seen.add(error);
    const writable = error as { message: string; stack?: string; cause?: unknown };
    try {
      if (this.contains(error.message)) writable.message = this.scrub(error.message);
      if (error.stack && this.contains(error.stack)) writable.stack = this.scrub(error.stack);
      if (typeof writable.cause === "string" && this.contains(writable.cause)) {
        writable.cause = this.scrub(writable.cause);
      }
    } catch {
      // A frozen error cannot be scrubbed; nothing of ours will print it.
    }
    this.scrubError(writable.cause, seen);
    if (error instanceof AggregateError && Array.isArray(error.errors)) {
      for (const inner of error.errors) this.scrubError(inner, seen);
    }
  }

  #remember(value: string): void {
    if (value.length >= MIN_SCRUB_LENGTH) this.#secrets.add(value);
  }
}

function collectLeaves(value: unknown, visit: (leaf: string) => void): void {
  if (typeof value === "string") visit(value);
  else if (typeof value === "number" || typeof value === "bigint") visit(String(value));
  else if (Array.isArray(value)) for (const item of value) collectLeaves(item, visit);
  else if (typeof value === "object" && value !== null)
    for (const item of Object.values(value)) collectLeaves(item, visit);
}
