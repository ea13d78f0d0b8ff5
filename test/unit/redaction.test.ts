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

  it("leaves a secret shorter than 3 characters inside a word, which would erase ordinary text", () => {
    // Prepare
    const scrubber = scrubberOf("ab");

    // Act
    const text = scrubber.scrub("about");

    // Assess
    expect(text).toBe("about");
  });

  it("replaces a secret shorter than 3 characters where it stands as a whole token", () => {
    // Prepare
    const scrubber = scrubberOf("ab", "7");

    // Act
    const text = scrubber.scrub('password "ab" is too short; pin 7 (about 17)');

    // Assess
    expect(text).toBe(`password "${REDACTED}" is too short; pin ${REDACTED} (about 17)`);
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

describe("SecretScrubber.scrub: the forms a schema message may echo", () => {
  const secret = "Pa55-Word/With+Chars=";
  const cases: Array<[string, string]> = [
    ["trimmed (stored with a trailing newline)", "  Pa55-Word/With+Chars=  "],
    ["lower-cased", secret.toLowerCase()],
    ["upper-cased", secret.toUpperCase()],
    ["mixed case", "pA55-wORD/wITH+cHARS="],
    ["base64", Buffer.from(secret).toString("base64")],
    ["base64 without padding", Buffer.from(secret).toString("base64").replace(/=+$/, "")],
    ["base64url", Buffer.from(secret).toString("base64url")],
    ["URI-component-encoded", encodeURIComponent(secret)],
    ["JSON-quoted", JSON.stringify(secret)],
  ];
  for (const [form, echoed] of cases) {
    it(`replaces a secret echoed ${form}`, () => {
      // Prepare
      const scrubber = scrubberOf(`${secret}\n`);

      // Act
      const text = scrubber.scrub(`got <${echoed}> here`);

      // Assess
      expect(text).not.toContain(echoed.trim());
      expect(text).toContain(REDACTED);
      expect(text.startsWith("got <")).toBe(true);
      expect(text.endsWith("> here")).toBe(true);
    });
  }

  it("replaces JSON-escaped inner fields of a JSON secret", () => {
    // Prepare
    const fields = { pw: 'pa"ss-x', domain: "dom\\x-y" };
    const scrubber = scrubberOf(JSON.stringify(fields));

    // Act
    const text = scrubber.scrub(
      `pw ${JSON.stringify(fields.pw)}, domain ${JSON.stringify(fields.domain)}`,
    );

    // Assess
    expect(text).toBe(`pw "${REDACTED}", domain "${REDACTED}"`);
  });

  it("replaces the fields of a JSON string nested inside a JSON secret", () => {
    // Prepare
    const inner = JSON.stringify({ token: "inner-token-123", list: ["inner-item-9"] });
    const scrubber = scrubberOf(JSON.stringify({ outer: inner }));

    // Act
    const text = scrubber.scrub("token inner-token-123, item inner-item-9");

    // Assess
    expect(text).toBe(`token ${REDACTED}, item ${REDACTED}`);
  });

  it("replaces a JSON secret's keys where a message quotes them (zod's Unrecognized key)", () => {
    // Prepare
    const scrubber = scrubberOf(JSON.stringify({ "tenant-4711": "value-1" }));

    // Act
    const text = scrubber.scrub('Unrecognized key: "tenant-4711"');

    // Assess
    expect(text).toBe(`Unrecognized key: ${REDACTED}`);
  });

  it("replaces one secret among thousands, each once, in one pass", () => {
    // Prepare
    const secrets = Array.from(
      { length: 3_000 },
      (_, index) => `sk_live_${index}_${"x".repeat(40)}`,
    );
    const scrubber = scrubberOf(...secrets);

    // Act
    const text = scrubber.scrub(`a ${secrets[1234]} b ${secrets[7]} c sk_live_none`);

    // Assess
    expect(text).toBe(`a ${REDACTED} b ${REDACTED} c sk_live_none`);
  });
});

describe("SecretScrubber.derivesFromSecret", () => {
  it("matches numbers, bigints, booleans and dates a secret coerces to", () => {
    // Prepare
    const scrubber = scrubberOf("0042", "true", "98765432109876543210", "2030-01-02");

    // Act
    const matched = [
      scrubber.derivesFromSecret(42),
      scrubber.derivesFromSecret("42"),
      scrubber.derivesFromSecret(true),
      scrubber.derivesFromSecret(98765432109876543210n),
      scrubber.derivesFromSecret(new Date("2030-01-02")),
    ];
    const unmatched = [
      scrubber.derivesFromSecret(43),
      scrubber.derivesFromSecret(false),
      scrubber.derivesFromSecret(new Date(0)),
      scrubber.derivesFromSecret(null),
    ];

    // Assess
    expect(matched).toEqual([true, true, true, true, true]);
    expect(unmatched).toEqual([false, false, false, false]);
  });

  it("matches a number field of a JSON secret, but not its boolean fields", () => {
    // Prepare
    const scrubber = scrubberOf(JSON.stringify({ port: 6543, ssl: true }));

    // Act
    const port = scrubber.derivesFromSecret(6543);
    const flag = scrubber.derivesFromSecret(true);

    // Assess
    expect(port).toBe(true);
    expect(flag).toBe(false);
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
  it("replaces a number equal to a secret's parsed form wherever the schema put it", () => {
    // Prepare
    const snapshot = { unlock: { code: 4217 }, port: 5432 };
    const entries = [entry("pin", "004217", true)];

    // Act
    const redacted = redactSnapshot(snapshot, entries, scrubberOf("004217"));

    // Assess
    expect(redacted).toEqual({ unlock: { code: REDACTED }, port: 5432 });
  });

  it("copies a cyclic or shared object without looping", () => {
    // Prepare
    const shared = { token: "hunter22", plain: "x" };
    const snapshot: Record<string, unknown> = { a: shared, b: shared };
    snapshot.self = snapshot;

    // Act
    const redacted = redactSnapshot(snapshot, [], scrubberOf("hunter22")) as Record<
      string,
      unknown
    >;

    // Assess
    expect(redacted.a).toEqual({ token: REDACTED, plain: "x" });
    const inner = redacted.self as Record<string, unknown>;
    expect(inner.a).toEqual({ token: REDACTED, plain: "x" });
    expect(inner.self).toBe(inner);
  });

  it("copies a structure 100,000 levels deep without overflowing the stack", () => {
    // Prepare
    let snapshot: unknown = "hunter22";
    for (let level = 0; level < 100_000; level++) snapshot = [snapshot];

    // Act
    let redacted = redactSnapshot(snapshot, [], scrubberOf("hunter22"));

    // Assess
    for (let level = 0; level < 100_000; level++) redacted = (redacted as unknown[])[0];
    expect(redacted).toBe(REDACTED);
  });

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
