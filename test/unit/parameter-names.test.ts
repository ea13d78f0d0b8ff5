import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConfigLoadError } from "../../src/errors/config-load-error.js";
import {
  MAX_NAME_LENGTH,
  MAX_PATH_LEVELS,
  normalizePath,
  parseBindingKey,
  parseParameterName,
  segmentsForName,
  transformSegment,
} from "../../src/mapping/parameter-names.js";

/** Runs `act` and returns what it threw, failing the test when it throws nothing. */
function thrown(act: () => unknown): unknown {
  try {
    act();
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to throw");
}

const levels = (count: number) => Array.from({ length: count }, (_, i) => `/l${i}`).join("");

describe("normalizePath", () => {
  it("returns a valid path unchanged", () => {
    // Prepare
    const path = "/app/prod";

    // Act
    const normalized = normalizePath(path);

    // Assess
    expect(normalized).toBe("/app/prod");
  });

  it("drops a trailing slash", () => {
    // Act
    const normalized = normalizePath("/app/prod/");

    // Assess
    expect(normalized).toBe("/app/prod");
  });

  it("keeps the root path /", () => {
    // Act
    const normalized = normalizePath("/");

    // Assess
    expect(normalized).toBe("/");
  });

  it("rejects a path without a leading slash, saying it must start with /", () => {
    // Act
    const error = thrown(() => normalizePath("app/prod"));

    // Assess
    expect(error).toBeInstanceOf(ConfigLoadError);
    expect((error as Error).message).toMatch(/must start with "\/"/);
  });

  it.each([
    ["a space", "/app/my prod"],
    ["a colon", "/app/prod:1"],
    ["a double slash", "/app//prod"],
    ["a non-ASCII letter", "/app/prød"],
  ])("rejects %s, listing the characters allowed", (_, path) => {
    // Act
    const error = thrown(() => normalizePath(path));

    // Assess
    expect(error).toBeInstanceOf(ConfigLoadError);
    expect((error as Error).message).toMatch(/may contain only letters, digits/);
  });

  it(`accepts ${MAX_PATH_LEVELS} levels`, () => {
    // Prepare
    const path = levels(MAX_PATH_LEVELS);

    // Act
    const normalized = normalizePath(path);

    // Assess
    expect(normalized).toBe(path);
  });

  it(`rejects more than ${MAX_PATH_LEVELS} levels, saying how many are allowed`, () => {
    // Act
    const error = thrown(() => normalizePath(levels(MAX_PATH_LEVELS + 1)));

    // Assess
    expect(error).toBeInstanceOf(ConfigLoadError);
    expect((error as Error).message).toMatch(/16 levels; Parameter Store allows 15/);
  });

  it(`rejects a path longer than ${MAX_NAME_LENGTH} characters, saying the limit`, () => {
    // Prepare
    const path = `/${"a".repeat(MAX_NAME_LENGTH)}`;

    // Act
    const error = thrown(() => normalizePath(path));

    // Assess
    expect(error).toBeInstanceOf(ConfigLoadError);
    expect((error as Error).message).toMatch(/2049 characters long; Parameter Store allows 2048/);
  });
});

describe("parseParameterName", () => {
  it("parses a plain hierarchical name without selector", () => {
    // Act
    const parsed = parseParameterName("/shared/db/port", "db.port");

    // Assess
    expect(parsed).toEqual({ raw: "/shared/db/port", base: "/shared/db/port" });
  });

  it("accepts a root name without a leading slash", () => {
    // Act
    const parsed = parseParameterName("db-port", "db.port");

    // Assess
    expect(parsed).toEqual({ raw: "db-port", base: "db-port" });
  });

  it("parses a :version selector as a number", () => {
    // Act
    const parsed = parseParameterName("/shared/db/port:3", "db.port");

    // Assess
    expect(parsed).toEqual({
      raw: "/shared/db/port:3",
      base: "/shared/db/port",
      selector: { kind: "version", version: 3 },
    });
  });

  it("parses a :label selector", () => {
    // Act
    const parsed = parseParameterName("/shared/db/port:stable", "db.port");

    // Assess
    expect(parsed.selector).toEqual({ kind: "label", label: "stable" });
    expect(parsed.base).toBe("/shared/db/port");
  });

  it("reads the secret id of a Secrets Manager reference", () => {
    // Act
    const parsed = parseParameterName("/aws/reference/secretsmanager/prod/stripe", "stripe");

    // Assess
    expect(parsed.secretId).toBe("prod/stripe");
    expect(parsed.selector).toBeUndefined();
  });

  it("rejects a Secrets Manager reference that names no secret", () => {
    // Act
    const error = thrown(() => parseParameterName("/aws/reference/secretsmanager/", "stripe"));

    // Assess
    expect(error).toBeInstanceOf(ConfigLoadError);
    expect((error as Error).message).toMatch(/must name a secret/);
  });

  it.each([
    ["an empty selector", "/a/b:"],
    ["two selectors", "/a/b:1:2"],
    ["a label with a space", "/a/b:my label"],
    ["a label starting with a digit", "/a/b:1st"],
    ["a label starting with aws", "/a/b:AWSCURRENT"],
    ["a label starting with ssm", "/a/b:ssm-label"],
    ["a label over 100 characters", `/a/b:${"x".repeat(101)}`],
  ])("rejects %s, naming the key and the selector forms", (_, raw) => {
    // Act
    const error = thrown(() => parseParameterName(raw, "db.port"));

    // Assess
    expect(error).toBeInstanceOf(ConfigLoadError);
    expect((error as Error).message).toMatch(/key "db\.port"/);
    expect((error as Error).message).toMatch(/":<version>" or ":<label>"/);
  });

  it("rejects version 0, saying versions start at 1", () => {
    // Act
    const error = thrown(() => parseParameterName("/a/b:0", "k"));

    // Assess
    expect(error).toBeInstanceOf(ConfigLoadError);
    expect((error as Error).message).toMatch(/versions are whole numbers from 1/);
  });

  it.each([
    ["a hierarchy without leading slash", "a/b"],
    ["a trailing slash", "/a/b/"],
  ])("rejects %s, saying a hierarchy starts with / and does not end with one", (_, raw) => {
    // Act
    const error = thrown(() => parseParameterName(raw, "k"));

    // Assess
    expect(error).toBeInstanceOf(ConfigLoadError);
    expect((error as Error).message).toMatch(/must start with "\/" and not end with one/);
  });

  it("rejects illegal characters in the name", () => {
    // Act
    const error = thrown(() => parseParameterName("/a/b c", "k"));

    // Assess
    expect(error).toBeInstanceOf(ConfigLoadError);
    expect((error as Error).message).toMatch(/may contain only letters, digits/);
  });

  it("rejects an empty name, naming the key", () => {
    // Act
    const error = thrown(() => parseParameterName("", "db.port"));

    // Assess
    expect(error).toBeInstanceOf(ConfigLoadError);
    expect((error as Error).message).toMatch(/key "db\.port" must be bound to a parameter name/);
  });

  it(`rejects more than ${MAX_PATH_LEVELS} levels`, () => {
    // Act
    const error = thrown(() => parseParameterName(levels(MAX_PATH_LEVELS + 1), "k"));

    // Assess
    expect(error).toBeInstanceOf(ConfigLoadError);
    expect((error as Error).message).toMatch(/Parameter Store allows 15/);
  });

  it(`rejects a name longer than ${MAX_NAME_LENGTH} characters, saying the limit`, () => {
    // Prepare
    const raw = `/${"a".repeat(MAX_NAME_LENGTH)}`;

    // Act
    const error = thrown(() => parseParameterName(raw, "k"));

    // Assess
    expect(error).toBeInstanceOf(ConfigLoadError);
    expect((error as Error).message).toMatch(/2049 characters long; Parameter Store allows 2048/);
  });
});

describe("parseBindingKey", () => {
  it("splits a dotted identifier into segments", () => {
    // Act
    const segments = parseBindingKey("db.max-conn.$x_1");

    // Assess
    expect(segments).toEqual(["db", "max-conn", "$x_1"]);
  });

  it.each([
    ["an empty segment", "a..b"],
    ["a segment starting with a digit", "1a"],
    ["an empty key", ""],
    ["a trailing dot", "a."],
    ["__proto__", "__proto__"],
    ["constructor in a later segment", "a.constructor"],
    ["prototype", "a.prototype.b"],
  ])("rejects %s", (_, key) => {
    // Act
    const error = thrown(() => parseBindingKey(key));

    // Assess
    expect(error).toBeInstanceOf(ConfigLoadError);
    expect((error as Error).message).toMatch(/is not a dotted identifier such as "db\.port"/);
  });
});

describe("transformSegment", () => {
  it.each(["max-conn", "max_conn", "max.conn", "max--conn", "max-_conn"])(
    'turns "%s" into maxConn with camel',
    (segment) => {
      // Act
      const key = transformSegment(segment, "camel");

      // Assess
      expect(key).toBe("maxConn");
    },
  );

  it("keeps the case of the first part with camel", () => {
    // Act
    const key = transformSegment("Max-conn", "camel");

    // Assess
    expect(key).toBe("MaxConn");
  });

  it("leaves a segment unchanged with preserve", () => {
    // Act
    const key = transformSegment("max-conn", "preserve");

    // Assess
    expect(key).toBe("max-conn");
  });
});

describe("segmentsForName", () => {
  it("returns the segments after the path", () => {
    // Act
    const segments = segmentsForName("/app/prod", "/app/prod/db/host", "preserve");

    // Assess
    expect(segments).toEqual(["db", "host"]);
  });

  it("maps every name under the root path", () => {
    // Act
    const segments = segmentsForName("/", "/db/host", "preserve");

    // Assess
    expect(segments).toEqual(["db", "host"]);
  });

  it("treats a root name reported without leading slash as under /", () => {
    // Act
    const segments = segmentsForName("/", "db-host", "preserve");

    // Assess
    expect(segments).toEqual(["db-host"]);
  });

  it("applies the key case to every segment", () => {
    // Act
    const segments = segmentsForName("/app", "/app/my-db/max_conn", "camel");

    // Assess
    expect(segments).toEqual(["myDb", "maxConn"]);
  });

  it.each([
    ["a sibling sharing the prefix", "/app/prod-old/db"],
    ["the path itself", "/app/prod"],
    ["another hierarchy", "/other/db"],
  ])("returns undefined for %s", (_, name) => {
    // Act
    const segments = segmentsForName("/app/prod", name, "preserve");

    // Assess
    expect(segments).toBeUndefined();
  });
});

describe("names to keys and back", () => {
  const segment = fc.stringMatching(/^[A-Za-z0-9_.-]{1,12}$/);
  const path = fc
    .array(segment, { minLength: 0, maxLength: 7 })
    .map((segments) => (segments.length === 0 ? "/" : `/${segments.join("/")}`));
  const relative = fc.array(segment, { minLength: 1, maxLength: 7 });
  const under = (base: string, parts: readonly string[]) =>
    `${base === "/" ? "" : base}/${parts.join("/")}`;

  it("with camel, no key segment keeps a separator between two parts", () => {
    fc.assert(
      fc.property(path, relative, (base, parts) => {
        // Act
        const segments = segmentsForName(base, under(base, parts), "camel") ?? [];

        // Assess
        expect(segments).toHaveLength(parts.length);
        for (const key of segments) expect(key).not.toMatch(/[A-Za-z0-9][-_.]+[A-Za-z0-9]/);
      }),
    );
  });
});
