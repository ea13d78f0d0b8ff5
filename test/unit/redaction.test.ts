import { describe, expect, it } from "vitest";
import { redactSnapshot } from "../../src/loader/frozen-snapshot.js";
import { REDACTED, SecretScrubber, SensitiveString } from "../../src/sensitive.js";
import type { EntryValue, ParameterEntry } from "../../src/sources/contract.js";

function entry(key: string, value: unknown, sensitive = false): ParameterEntry {
  return {
    key,
    segments: key.split("."),
    parameter: `/app/${key.replaceAll(".", "/")}`,
    value:
      sensitive && typeof value === "string" ? new SensitiveString(value) : (value as EntryValue),
    version: 1,
    type: sensitive ? "SecureString" : "String",
    sensitive,
    origin: "path",
  };
}

function scrubberOf(...secrets: string[]): SecretScrubber {
  const scrubber = new SecretScrubber();
  for (const secret of secrets) scrubber.add(secret);
  return scrubber;
}

describe("SecretScrubber.scrub", () => {
  it("replaces every occurrence of a secret", () => {
    // Prepare
    const scrubber = scrubberOf("s3cr3t-value");

    // Act
    const text = scrubber.scrub("a s3cr3t-value and s3cr3t-value again");

    // Assess
    expect(text).toBe(`a ${REDACTED} and ${REDACTED} again`);
  });

  it("replaces a secret that contains another secret whole", () => {
    // Prepare
    const scrubber = scrubberOf("abc", "abcdef");

    // Act
    const text = scrubber.scrub("x abcdef y");

    // Assess
    expect(text).toBe(`x ${REDACTED} y`);
  });

  it("replaces the string and number leaves of a JSON secret", () => {
    // Prepare
    const scrubber = scrubberOf('{"apiKey":"sk_live_123","nested":{"pin":98765},"list":["tok-1"]}');

    // Act
    const text = scrubber.scrub("apiKey sk_live_123, pin 98765, token tok-1");

    // Assess
    expect(text).toBe(`apiKey ${REDACTED}, pin ${REDACTED}, token ${REDACTED}`);
  });

  it("replaces a secret that a message echoes JSON-quoted", () => {
    // Prepare
    const secret = 'pa"ss\\word';
    const scrubber = scrubberOf(secret);

    // Act
    const text = scrubber.scrub(`got ${JSON.stringify(secret)}`);

    // Assess
    expect(text).not.toContain("ss\\");
    expect(text).toBe(`got "${REDACTED}"`);
  });

  it("leaves secrets shorter than 3 characters, which would erase ordinary text", () => {
    // Prepare
    const scrubber = scrubberOf("ab");

    // Act
    const text = scrubber.scrub("about");

    // Assess
    expect(text).toBe("about");
  });

  it("leaves text without a secret unchanged", () => {
    // Prepare
    const scrubber = scrubberOf("s3cr3t-value");

    // Act
    const text = scrubber.scrub("nothing here");

    // Assess
    expect(text).toBe("nothing here");
  });
});

describe("SecretScrubber.scrubError", () => {
  it("scrubs the message and the stack", () => {
    // Prepare
    const scrubber = scrubberOf("s3cr3t-value");
    const error = new Error("failed for s3cr3t-value");

    // Act
    scrubber.scrubError(error);

    // Assess
    expect(error.message).toBe(`failed for ${REDACTED}`);
    expect(error.stack).not.toContain("s3cr3t-value");
  });

  it("scrubs every error of the cause chain", () => {
    // Prepare
    const scrubber = scrubberOf("s3cr3t-value");
    const root = new Error("root s3cr3t-value");
    const middle = new Error("middle s3cr3t-value", { cause: root });
    const top = new Error("top", { cause: middle });

    // Act
    scrubber.scrubError(top);

    // Assess
    expect(middle.message).toBe(`middle ${REDACTED}`);
    expect(root.message).toBe(`root ${REDACTED}`);
    expect(root.stack).not.toContain("s3cr3t-value");
  });

  it("scrubs a cause that is a string", () => {
    // Prepare
    const scrubber = scrubberOf("s3cr3t-value");
    const error = new Error("top", { cause: "value was s3cr3t-value" });

    // Act
    scrubber.scrubError(error);

    // Assess
    expect(error.cause).toBe(`value was ${REDACTED}`);
  });

  it("scrubs the errors of an AggregateError", () => {
    // Prepare
    const scrubber = scrubberOf("s3cr3t-value");
    const inner = new Error("inner s3cr3t-value");
    const error = new AggregateError([inner], "several failed");

    // Act
    scrubber.scrubError(error);

    // Assess
    expect(inner.message).toBe(`inner ${REDACTED}`);
  });

  it("stops on a cause cycle", () => {
    // Prepare
    const scrubber = scrubberOf("s3cr3t-value");
    const a = new Error("a s3cr3t-value");
    const b = new Error("b", { cause: a });
    (a as { cause?: unknown }).cause = b;

    // Act
    scrubber.scrubError(b);

    // Assess
    expect(a.message).toBe(`a ${REDACTED}`);
  });

  it("ignores a frozen error instead of throwing", () => {
    // Prepare
    const scrubber = scrubberOf("s3cr3t-value");
    const error = Object.freeze(new Error("frozen s3cr3t-value"));

    // Act
    const act = () => scrubber.scrubError(error);

    // Assess
    expect(act).not.toThrow();
  });
});

describe("redactSnapshot", () => {
  it("replaces the leaf of a sensitive key", () => {
    // Prepare
    const snapshot = { db: { host: "db.internal", password: "hunter22" } };
    const entries = [entry("db.host", "db.internal"), entry("db.password", "hunter22", true)];

    // Act
    const redacted = redactSnapshot(snapshot, entries, scrubberOf("hunter22"));

    // Assess
    expect(redacted).toEqual({ db: { host: "db.internal", password: REDACTED } });
  });

  it("replaces every leaf of a sensitive key that holds parsed JSON, arrays included", () => {
    // Prepare
    const snapshot = {
      stripe: { apiKey: "sk_live_1", limits: [1, 2], nested: { on: true, at: new Date(0) } },
    };
    const entries = [entry("stripe", JSON.stringify(snapshot.stripe), true)];

    // Act
    const redacted = redactSnapshot(snapshot, entries, new SecretScrubber());

    // Assess
    expect(redacted).toEqual({
      stripe: {
        apiKey: REDACTED,
        limits: [REDACTED, REDACTED],
        nested: { on: REDACTED, at: REDACTED },
      },
    });
  });

  it("replaces a non-sensitive string that contains a secret", () => {
    // Prepare
    const snapshot = { url: "postgres://app:hunter22@db/app", password: "hunter22" };
    const entries = [entry("url", snapshot.url), entry("password", "hunter22", true)];

    // Act
    const redacted = redactSnapshot(snapshot, entries, scrubberOf("hunter22"));

    // Assess
    expect(redacted).toEqual({ url: REDACTED, password: REDACTED });
  });

  it("leaves non-sensitive values of every type as they are", () => {
    // Prepare
    const at = new Date(1000);
    const snapshot = { n: 5, b: false, s: "text", list: ["a", "b"], at, none: null };
    const entries = Object.keys(snapshot).map((key) => entry(key, "x"));

    // Act
    const redacted = redactSnapshot(snapshot, entries, scrubberOf("hunter22"));

    // Assess
    expect(redacted).toEqual(snapshot);
  });

  it("returns a copy, leaving the snapshot untouched", () => {
    // Prepare
    const snapshot = Object.freeze({ db: Object.freeze({ password: "hunter22", list: ["x"] }) });
    const entries = [entry("db.password", "hunter22", true)];

    // Act
    const redacted = redactSnapshot(snapshot, entries, scrubberOf("hunter22")) as typeof snapshot;

    // Assess
    expect(snapshot.db.password).toBe("hunter22");
    expect(redacted).not.toBe(snapshot);
    expect(redacted.db).not.toBe(snapshot.db);
    expect(redacted.db.list).not.toBe(snapshot.db.list);
  });

  it("copies a __proto__ key as an own property", () => {
    // Prepare
    const snapshot = JSON.parse('{"__proto__":{"polluted":"yes"}}') as object;

    // Act
    const redacted = redactSnapshot(snapshot, [], new SecretScrubber()) as object;

    // Assess
    expect(Object.hasOwn(redacted, "__proto__")).toBe(true);
    expect(Object.getPrototypeOf(redacted)).toBe(Object.prototype);
  });
});
