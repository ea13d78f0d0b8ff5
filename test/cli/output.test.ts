import { spawnSync } from "node:child_process";
import { parseEnv } from "node:util";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cell, envLines, envName, quoteDotenv, quoteShell } from "../../src/cli/output.js";

/** Printable text with the characters that quoting must survive. */
const awkwardText = fc.string({
  unit: fc.constantFrom(..."aZ09 _-./=#$\"'`\\\n\t{}!*?~;&|<>()%@:,".split("")),
  maxLength: 24,
});

describe("environment variable names", () => {
  it("are the rest of the name, uppercased, with /, - and . turned into _", () => {
    expect(envName("/app/prod", "/app/prod/db/max-conn")).toBe("DB_MAX_CONN");
    expect(envName("/app/prod", "/app/prod/feature.flag")).toBe("FEATURE_FLAG");
    expect(envName("/", "/top")).toBe("TOP");
  });
});

describe("dotenv quoting", () => {
  it("leaves plain values bare", () => {
    expect(quoteDotenv("postgres://u@h:5432/db")).toBe("postgres://u@h:5432/db");
    expect(quoteDotenv("a b")).toBe("'a b'");
  });

  it("reads back exactly the value with Node's dotenv parser, or refuses", () => {
    fc.assert(
      fc.property(awkwardText, (value) => {
        const quoted = quoteDotenv(value);
        if (quoted === undefined) {
          // Only a value with ', ` and one of " \ $ together cannot be quoted.
          expect(value).toMatch(/'/);
          expect(value).toMatch(/`/);
          expect(value).toMatch(/["\\$]/);
          return;
        }
        expect(parseEnv(`FIRST=1\nVALUE=${quoted}\nLAST=2\n`)).toEqual({
          FIRST: "1",
          VALUE: value,
          LAST: "2",
        });
      }),
      { numRuns: 500 },
    );
  });

  it("a value no quoting can keep is an error naming the parameter, not the value", () => {
    const variables = new Map([["TOKEN", { parameter: "/app/token", value: "a'b`c\"d" }]]);

    expect(() => envLines(variables, "dotenv")).toThrow(/"\/app\/token"/);
    expect(() => envLines(variables, "dotenv")).not.toThrow(/a'b/);
    expect(envLines(variables, "env")).toEqual([`TOKEN='a'\\''b\`c"d'`]);
  });
});

describe("shell quoting", () => {
  it("reads back exactly the value in a POSIX shell", () => {
    const values = fc.sample(awkwardText, { numRuns: 200, seed: 42 });
    values.push("", "it's", "'", "''", "a\nb", "$(touch /tmp/pwned)", "`id`", "\\");
    const script = [
      ...values.map((value, index) => `V${index}=${quoteShell(value)}`),
      `node -e 'process.stdout.write(JSON.stringify(process.argv.slice(1)))' ${values
        .map((_, index) => `"$V${index}"`)
        .join(" ")}`,
    ].join("\n");

    const shell = spawnSync("sh", ["-c", script], {
      encoding: "utf8",
      env: { PATH: process.env.PATH },
    });

    expect(shell.stderr).toBe("");
    expect(JSON.parse(shell.stdout)).toEqual(values);
  });
});

describe("table cells", () => {
  it("keep a plain value as is", () => {
    expect(cell("db.internal")).toBe("db.internal");
  });

  it("write a value with a tab, a line break or a leading quote as a JSON string", () => {
    expect(cell("a\tb")).toBe('"a\\tb"');
    expect(cell("a\nb")).toBe('"a\\nb"');
    expect(cell('"quoted"')).toBe('"\\"quoted\\""');
  });
});
