import { format, inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { REDACTED, SensitiveString } from "../../src/sensitive.js";

const SECRET = "hunter2-secret";

describe("SensitiveString prints as [REDACTED]", () => {
  it("through String()", () => {
    // Prepare
    const value = new SensitiveString(SECRET);

    // Act
    const printed = String(value);

    // Assess
    expect(printed).toBe(REDACTED);
  });

  it("through a template literal", () => {
    // Prepare
    const value = new SensitiveString(SECRET);

    // Act
    const printed = `password=${value}`;

    // Assess
    expect(printed).toBe("password=[REDACTED]");
  });

  it("through string concatenation", () => {
    // Prepare
    const value = new SensitiveString(SECRET);

    // Act
    // biome-ignore lint/style/useTemplate: the + operator (default hint) is what is under test
    const printed = "password=" + value;

    // Assess
    expect(printed).toBe("password=[REDACTED]");
  });

  it("through JSON.stringify, also when nested", () => {
    // Prepare
    const value = { db: { password: new SensitiveString(SECRET) } };

    // Act
    const printed = JSON.stringify(value);

    // Assess
    expect(printed).toBe('{"db":{"password":"[REDACTED]"}}');
  });

  it("through util.inspect, also with showHidden and when nested", () => {
    // Prepare
    const value = { db: { password: new SensitiveString(SECRET) } };

    // Act
    const printed = [inspect(value), inspect(value, { showHidden: true, depth: null })];

    // Assess
    for (const text of printed) {
      expect(text).toContain(REDACTED);
      expect(text).not.toContain(SECRET);
    }
  });

  it("through util.inspect without custom inspection", () => {
    // Prepare
    const value = new SensitiveString(SECRET);

    // Act
    const printed = inspect(value, { customInspect: false, showHidden: true });

    // Assess
    expect(printed).not.toContain(SECRET);
  });

  it("through console-style formatting (%s %o %O %j)", () => {
    // Prepare
    const value = new SensitiveString(SECRET);

    // Act
    const printed = format("%s %o %O %j", value, value, value, { value });

    // Assess
    expect(printed).toBe('[REDACTED] [REDACTED] [REDACTED] {"value":"[REDACTED]"}');
  });

  it("through Object.keys and spreading, which see no field", () => {
    // Prepare
    const value = new SensitiveString(SECRET);

    // Act
    const spread = { ...value };

    // Assess
    expect(Object.keys(value)).toEqual([]);
    expect(JSON.stringify(spread)).not.toContain(SECRET);
  });
});

describe("SensitiveString.reveal", () => {
  it("returns the value", () => {
    // Prepare
    const value = new SensitiveString(SECRET);

    // Act
    const revealed = value.reveal();

    // Assess
    expect(revealed).toBe(SECRET);
  });
});
