import { segmentsForName } from "../../mapping/parameter-names.js";
import { expectPositionals, flag } from "../args.js";
import { type Command, ExitCode, writeJson, writeLines } from "../command.js";
import { type ListedParameter, listParameters, plainValue } from "../parameter-listing.js";
import { progressReporter } from "../progress.js";
import { safeJsonString } from "../terminal.js";
import { checkedPath } from "./paths.js";
import { rememberSensitive } from "./writing.js";

/** A key present under both paths with different values or types. */
export interface ValueDifference {
  readonly key: string;
  readonly sensitive: boolean;
  readonly a: { readonly type: string; readonly value?: string };
  readonly b: { readonly type: string; readonly value?: string };
}

/** How two paths differ, key by key; a key is the rest of a name after its path (`db/host`). */
export interface PathDifference {
  readonly onlyInA: string[];
  readonly onlyInB: string[];
  readonly differs: ValueDifference[];
}

/** `ssm-config diff <pathA> <pathB>`: keys only in one path, and keys whose values differ. */
export const diffCommand: Command = {
  name: "diff",
  summary: "compare the parameters under two paths",
  usage: ["diff <pathA> <pathB> [--json]"],
  description:
    'Compares the parameters under two paths by key: the rest of each name after its path (/app/prod/db/host -> db/host). Prints "- key" for keys only in <pathA>, "+ key" for keys only in <pathB>, and "~ key: old -> new" for keys whose value or type differs; a sensitive key prints "~ key: differs", never its values. A plain value equal to a sensitive value on either side is treated as sensitive too. Exits with 1 when the paths differ, 0 when they match. --json prints { onlyInA, onlyInB, differs }.',
  options: {},
  async run({ positionals, options, ssm, io, secrets }) {
    const [pathA, pathB] = expectPositionals(positionals, ["<pathA>", "<pathB>"]).map(
      checkedPath,
    ) as [string, string];
    const client = await ssm();
    const read = (path: string) =>
      listParameters(client, path, {
        decrypt: true,
        progress: progressReporter(io.stderr, `Reading ${path}`),
      });
    const a = await read(pathA);
    const b = await read(pathB);
    rememberSensitive({ secrets }, [...a, ...b]);
    for (const [path, listed] of [
      [pathA, a],
      [pathB, b],
    ] as const) {
      if (listed.length === 0)
        writeLines(io.stderr, [`Nothing under ${path}: every key of the other side is reported.`]);
    }
    const difference = diffPaths(pathA, a, pathB, b);
    const count = difference.onlyInA.length + difference.onlyInB.length + difference.differs.length;
    if (flag(options, "json")) writeJson(io.stdout, difference);
    else writeLines(io.stdout, diffLines(difference, pathA, pathB));
    writeLines(io.stderr, [
      count === 0
        ? `No differences between ${pathA} and ${pathB}.`
        : `${count} difference${count === 1 ? "" : "s"} between ${pathA} and ${pathB}.`,
    ]);
    return count === 0 ? ExitCode.ok : ExitCode.problems;
  },
};

/**
 * Compares two listings by key. Sensitive values are compared but never copied into the result;
 * neither is a plain value equal to a sensitive value on either side (a staging host holding
 * prod's password still holds prod's password).
 */
export function diffPaths(
  pathA: string,
  a: readonly ListedParameter[],
  pathB: string,
  b: readonly ListedParameter[],
): PathDifference {
  const left = byKey(pathA, a);
  const right = byKey(pathB, b);
  const keys = [...new Set([...left.keys(), ...right.keys()])].sort();
  const sensitiveValues = new Set(
    [...a, ...b]
      .filter((parameter) => parameter.sensitive)
      .map((parameter) => plainValue(parameter)),
  );
  const exposes = (parameter: ListedParameter) =>
    parameter.sensitive || sensitiveValues.has(plainValue(parameter));
  const difference: PathDifference = { onlyInA: [], onlyInB: [], differs: [] };
  for (const key of keys) {
    const x = left.get(key);
    const y = right.get(key);
    if (x && !y) difference.onlyInA.push(key);
    else if (!x && y) difference.onlyInB.push(key);
    else if (x && y && (x.type !== y.type || plainValue(x) !== plainValue(y))) {
      const sensitive = exposes(x) || exposes(y);
      difference.differs.push({
        key,
        sensitive,
        a: sensitive ? { type: x.type } : { type: x.type, value: plainValue(x) },
        b: sensitive ? { type: y.type } : { type: y.type, value: plainValue(y) },
      });
    }
  }
  return difference;
}

/** `- key (only in A)`, `+ key (only in B)`, `~ key: "old" -> "new"` or `~ key: differs`. */
export function diffLines(difference: PathDifference, pathA: string, pathB: string): string[] {
  return [
    ...difference.onlyInA.map((key) => `- ${key} (only in ${pathA})`),
    ...difference.onlyInB.map((key) => `+ ${key} (only in ${pathB})`),
    ...difference.differs.map(({ key, sensitive, a, b }) => {
      if (sensitive) return `~ ${key}: differs`;
      const types = a.type === b.type ? ["", ""] : [` (${a.type})`, ` (${b.type})`];
      return `~ ${key}: ${safeJsonString(a.value ?? "")}${types[0]} -> ${safeJsonString(b.value ?? "")}${types[1]}`;
    }),
  ];
}

function byKey(path: string, parameters: readonly ListedParameter[]): Map<string, ListedParameter> {
  const keyed = new Map<string, ListedParameter>();
  for (const parameter of parameters) {
    const segments = segmentsForName(path, parameter.name, "preserve");
    if (segments) keyed.set(segments.join("/"), parameter);
  }
  return keyed;
}
