import { readFileSync } from "node:fs";
import { basename, resolve } from "node:path";
import { parseEnv } from "node:util";
import type { ParameterType } from "@aws-sdk/client-ssm";
import { choiceOption, expectPositionals, stringList, stringOption, UsageError } from "../args.js";
import { type Command, ExitCode } from "../command.js";
import { byName } from "../parameter-listing.js";
import { applyPlan } from "../writes.js";
import { checkedPath } from "./paths.js";
import {
  currentParameters,
  type DesiredParameter,
  DRY_RUN,
  planEntry,
  readAll,
  writingOptions,
} from "./writing.js";

const FORMATS = ["json", "dotenv"] as const;

/** One value of the file: its dotted key (`db.password`), its name segments, and what to write. */
interface ImportedValue {
  readonly key: string;
  readonly segments: readonly string[];
  readonly value: string;
  readonly list: boolean;
}

/** `ssm-config import <path> <file>`: writes a JSON or dotenv file as parameters under a path. */
export const importCommand: Command = {
  name: "import",
  summary: "write every value of a JSON or dotenv file as parameters under a path",
  usage: [
    "import <path> <file> [--format json|dotenv] [--secure <key>]... [--key-id <kms key>] [--dry-run]",
  ],
  description: [
    'Writes each value of <file> (or standard input for "-") as a parameter under <path>. JSON: nested objects become levels ({"db":{"host":"h"}} -> <path>/db/host), numbers and booleans are written as text, an array becomes a StringList. dotenv: each KEY=value line becomes <path>/KEY. The format follows the file name (.json, .env) unless --format says.',
    "--secure names a key (dotted for JSON: db.password) that becomes a SecureString; a parameter that already is a SecureString stays one, under its current KMS key unless --key-id names another. A value over 4 KB is written in the Intelligent-Tiering tier. Values that already hold the same value and type are left alone (no new version), so a re-run after a failure writes only what is missing.",
  ].join("\n\n"),
  options: {
    format: { type: "string", value: "<format>", help: "json or dotenv (default: by extension)" },
    secure: {
      type: "string",
      value: "<key>",
      multiple: true,
      help: "a key to write as SecureString (repeatable; dotted for JSON)",
    },
    "key-id": {
      type: "string",
      value: "<kms key>",
      help: "the KMS key of the SecureStrings (default: the key each has now, else alias/aws/ssm)",
    },
    ...DRY_RUN,
  },
  async run(context) {
    const { positionals, options, io } = context;
    const [rawPath, file] = expectPositionals(positionals, ["<path>", "<file>"]) as [
      string,
      string,
    ];
    const path = checkedPath(rawPath);
    const format =
      options.format === undefined
        ? formatOf(file)
        : choiceOption(options, "format", FORMATS, "json");
    const text =
      file === "-" ? await readAll(requireStdin(io.stdin)) : readText(resolve(io.cwd, file));
    const values = format === "json" ? jsonValues(text, file) : dotenvValues(text, file);
    const secure = new Set(stringList(options, "secure"));
    const keys = new Set(values.map((value) => value.key));
    const unknown = [...secure].filter((key) => !keys.has(key));
    if (unknown.length) {
      throw new UsageError(
        `--secure ${unknown.join(", ")}: no such key in ${file} (its keys: ${[...keys].join(", ") || "none"})`,
      );
    }
    const keyId = stringOption(options, "key-id");
    const current = await currentParameters(context, path);
    const plan = values.map((value) => {
      const name =
        path === "/" ? `/${value.segments.join("/")}` : `${path}/${value.segments.join("/")}`;
      const existing = current.get(name);
      // Never turn a secret into plain text by omission: a SecureString stays one.
      const type: ParameterType =
        secure.has(value.key) || existing?.type === "SecureString"
          ? "SecureString"
          : value.list
            ? "StringList"
            : "String";
      if (type === "SecureString") context.secrets.add(value.value);
      const desired: DesiredParameter = {
        name,
        type,
        value: value.value,
        keyId: type === "SecureString" ? keyId : undefined,
      };
      return planEntry(desired, existing);
    });
    plan.sort(byName);
    await applyPlan(
      plan,
      path,
      // An overwritten SecureString keeps its KMS key unless --key-id names another.
      writingOptions(context, { keepKeys: true }),
    );
    return ExitCode.ok;
  },
};

function requireStdin(stdin: NodeJS.ReadableStream | undefined): NodeJS.ReadableStream {
  if (!stdin) throw new UsageError('"-" reads standard input, and there is none');
  return stdin;
}

function readText(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new UsageError(
      code === "ENOENT"
        ? `file not found: ${file}`
        : `cannot read ${file}: ${String(code ?? error)}`,
    );
  }
}

/** The format a file name implies: `.json`, or `.env` / `x.env` / `.env.prod`. */
function formatOf(file: string): (typeof FORMATS)[number] {
  const name = basename(file).toLowerCase();
  if (name.endsWith(".json")) return "json";
  if (name.startsWith(".env") || name.endsWith(".env")) return "dotenv";
  throw new UsageError(`cannot tell the format of ${file}; give --format json or --format dotenv`);
}

/** A name segment Parameter Store accepts. */
const SEGMENT = /^[A-Za-z0-9_.-]+$/;

function checkSegment(segment: string, key: string, file: string): void {
  if (!SEGMENT.test(segment)) {
    throw new UsageError(
      `${file}: key ${JSON.stringify(key)} cannot be part of a parameter name (only letters, digits, "_", "." and "-")`,
    );
  }
}

/** The leaves of a JSON object, depth first, checked before anything is written. */
export function jsonValues(text: string, file: string): ImportedValue[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new UsageError(`${file} must hold a JSON object ({"key": "value", ...})`);
  }
  const values: ImportedValue[] = [];
  const walk = (node: Record<string, unknown>, segments: string[]) => {
    for (const [segment, value] of Object.entries(node)) {
      const path = [...segments, segment];
      const key = path.join(".");
      checkSegment(segment, key, file);
      if (typeof value === "string") {
        if (value === "")
          throw new UsageError(
            `${file}: ${key} is empty; Parameter Store does not store an empty value`,
          );
        values.push({ key, segments: path, value, list: false });
      } else if (typeof value === "number" || typeof value === "boolean") {
        values.push({ key, segments: path, value: String(value), list: false });
      } else if (Array.isArray(value)) {
        values.push({ key, segments: path, value: listValue(value, key, file), list: true });
      } else if (typeof value === "object" && value !== null) {
        walk(value as Record<string, unknown>, path);
      } else {
        throw new UsageError(`${file}: ${key} is null; give it a value or remove it`);
      }
    }
  };
  walk(parsed as Record<string, unknown>, []);
  return values;
}

/** A JSON array as a StringList value: items joined by commas, none of which may hold one. */
function listValue(items: readonly unknown[], key: string, file: string): string {
  if (items.length === 0)
    throw new UsageError(
      `${file}: ${key} is an empty list; Parameter Store does not store an empty value`,
    );
  return items
    .map((item, index) => {
      if (typeof item !== "string" && typeof item !== "number" && typeof item !== "boolean") {
        throw new UsageError(`${file}: ${key}[${index}] is not a string, number or boolean`);
      }
      const text = String(item);
      if (text === "" || text.includes(",")) {
        throw new UsageError(
          `${file}: ${key}[${index}] is empty or holds a comma, which a StringList cannot keep apart`,
        );
      }
      return text;
    })
    .join(",");
}

/** `KEY=value` lines, read as Node's own `--env-file` reads them. */
export function dotenvValues(text: string, file: string): ImportedValue[] {
  const values: ImportedValue[] = [];
  for (const [key, raw] of Object.entries(parseEnv(text))) {
    const value = raw ?? "";
    checkSegment(key, key, file);
    if (value === "")
      throw new UsageError(
        `${file}: ${key} is empty; Parameter Store does not store an empty value`,
      );
    values.push({ key, segments: [key], value, list: false });
  }
  return values;
}
