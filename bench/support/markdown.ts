import type { BenchReport, ScenarioResult, SideResult } from "./results.js";
import { round } from "./stats.js";

/** Section titles, by the scenario number that starts each result's id. */
const SECTIONS: Record<string, string> = {
  "1": "1. Cold load by path",
  "2": "2. Named parameters with 20 ms added latency",
  "3": "3. Hot read",
  "4": "4. Refresh",
  "5": "5. Change propagation",
  "6": "6. Memory per held parameter",
  "7": "7. Fleet simulation",
  "8": "8. Load CPU per parameter (in-process backend)",
  "9": "9. Applying one changed value, against N (in-process backend)",
  "10": "10. redacted(), against N (in-process backend)",
  "11": "11. Import time",
};

/** A table column: shown when ssm-config's side has `key`. */
interface Column {
  header: string;
  key: string;
  cell(side: SideResult): string;
  /** The metric compared in the ratio row, if any. */
  ratioKey?: string;
}

const COLUMNS: Column[] = [
  { header: "median", key: "medianMs", cell: (s) => ms(s.medianMs), ratioKey: "medianMs" },
  {
    header: "p25 – p75 (IQR)",
    key: "p25Ms",
    cell: (s) => `${ms(s.p25Ms)} – ${ms(s.p75Ms)} (${ms(s.iqrMs)})`,
  },
  { header: "min – max", key: "minMs", cell: (s) => `${ms(s.minMs)} – ${ms(s.maxMs)}` },
  {
    header: "CPU (median)",
    key: "cpuMs",
    cell: (s) => ms(s.cpuMs),
    ratioKey: "cpuMs",
  },
  { header: "p99", key: "p99Ms", cell: (s) => ms(s.p99Ms), ratioKey: "p99Ms" },
  {
    header: "whole process (median)",
    key: "processMedianMs",
    cell: (s) => ms(s.processMedianMs),
    ratioKey: "processMedianMs",
  },
  {
    header: "CPU/parameter (median)",
    key: "cpuUsPerParameter",
    cell: (s) => us(s.cpuUsPerParameter),
    ratioKey: "cpuUsPerParameter",
  },
  {
    header: "p25 – p75",
    key: "p25CpuUsPerParameter",
    cell: (s) => `${us(s.p25CpuUsPerParameter)} – ${us(s.p75CpuUsPerParameter)}`,
  },
  {
    header: "own (above the SDK alone)",
    key: "ownCpuUsPerParameter",
    cell: (s) => us(s.ownCpuUsPerParameter),
    ratioKey: "ownCpuUsPerParameter",
  },
  {
    header: "CPU/parameter, schema returns its input",
    key: "noSchemaCpuUsPerParameter",
    cell: (s) => us(s.noSchemaCpuUsPerParameter),
  },
  {
    header: "own, schema returns its input",
    key: "noSchemaOwnCpuUsPerParameter",
    cell: (s) => us(s.noSchemaOwnCpuUsPerParameter),
  },
  {
    header: "SDK-free client: CPU/parameter",
    key: "sdkFreeCpuUsPerParameter",
    cell: (s) => us(s.sdkFreeCpuUsPerParameter),
    ratioKey: "sdkFreeCpuUsPerParameter",
  },
  {
    header: "SDK-free, schema returns its input",
    key: "sdkFreeNoSchemaCpuUsPerParameter",
    cell: (s) => us(s.sdkFreeNoSchemaCpuUsPerParameter),
  },
  {
    header: "reads/s (median)",
    key: "readsPerSecond",
    cell: (s) => count(s.readsPerSecond),
    ratioKey: "readsPerSecond",
  },
  {
    header: "reads/s p25 – p75",
    key: "p25ReadsPerSecond",
    cell: (s) => `${count(s.p25ReadsPerSecond)} – ${count(s.p75ReadsPerSecond)}`,
  },
  { header: "ns/read", key: "nsPerRead", cell: (s) => String(s.nsPerRead) },
  {
    header: "bytes/parameter (median)",
    key: "bytesPerParameter",
    cell: (s) => count(s.bytesPerParameter),
    ratioKey: "bytesPerParameter",
  },
  {
    header: "bytes/parameter, schema returns its input",
    key: "noSchemaBytesPerParameter",
    cell: (s) => count(s.noSchemaBytesPerParameter),
  },
  {
    header: "min – max",
    key: "minBytesPerParameter",
    cell: (s) => `${count(s.minBytesPerParameter)} – ${count(s.maxBytesPerParameter)}`,
  },
  {
    header: "calls (on AWS)",
    key: "calls",
    cell: (s) => {
      const aws = s.awsMinimumCalls ?? s.awsCalls;
      return aws === undefined || aws === s.calls ? String(s.calls) : `${s.calls} (${aws})`;
    },
    ratioKey: "calls",
  },
  {
    header: "decrypting calls",
    key: "decryptingCalls",
    cell: (s) => String(s.decryptingCalls),
    ratioKey: "decryptingCalls",
  },
  { header: "samples", key: "samples", cell: (s) => String(s.samples) },
  { header: "runs", key: "runs", cell: (s) => String(s.runs) },
];

/** RESULTS.md: the targets first, then a table per scenario, then the fleet. */
export function renderMarkdown(report: BenchReport): string {
  const env = report.environment;
  const lines: string[] = [
    "# Benchmark results",
    "",
    `ssm-config against \`@aws-lambda-powertools/parameters\` ${env.powertoolsParameters}, on the same data, with the same SDK client settings (\`@aws-sdk/client-ssm\` ${env.awsSdkClientSsm}), in one ${report.mode} run on ${report.generatedAt.slice(0, 10)} of ssm-config at commit \`${env.libraryCommit}\`${env.librarySourceChanged === "yes" ? " with uncommitted changes in src/" : ""}: Node ${env.node}, ${env.cpus} x ${env.cpuModel}, moto ${env.moto} on loopback. The run took ${report.durationSeconds} s.`,
    "",
    "Scenarios 1-5 run against moto, reset before each group; 6 and 8-10 against an in-process backend (a real SDK client whose request handler answers from memory, so the SDK still signs, serialises and parses every call). Absolute times are this machine's, not AWS's; what carries over is the ratio ours / theirs measured in the same run, and the call counts. CPU is process.cpuUsage() of the measuring process. Every variant runs the same number of times in a rotating order; figures are medians of the measured runs after warm-up runs, with the interquartile range (IQR) as the spread. The 1-minute load average at the start and end of the run: " +
      `${env.loadAverageAtStart} and ${env.loadAverageAtEnd}. How to run and what each scenario does: [README.md](README.md). Raw figures: [results.json](results.json).`,
    "",
    "![ssm-config against Powertools, and the fleet simulation](results.svg)",
    "",
    "## Targets",
    "",
  ];
  const targets = report.results.flatMap((result) =>
    result.target
      ? [
          [
            result.title,
            result.target.goal,
            result.target.met ? "met" : "**missed**",
            result.target.detail,
          ],
        ]
      : [],
  );
  lines.push(...table(["scenario", "goal", "result", "measured"], targets), "");

  const bySection = new Map<string, ScenarioResult[]>();
  for (const result of report.results) {
    const section = result.scenario.split("-")[0] as string;
    bySection.set(section, [...(bySection.get(section) ?? []), result]);
  }
  for (const [section, results] of bySection) {
    lines.push(`## ${SECTIONS[section] ?? section}`, "");
    if (section === "7") {
      lines.push(...fleetSection(results));
      continue;
    }
    if (section === "9") {
      lines.push(...eventCostSection(results));
      continue;
    }
    if (section === "10") {
      lines.push(...redactedSection(results));
      continue;
    }
    for (const result of results) lines.push(...comparison(result));
  }
  return `${lines.join("\n").trimEnd()}\n`;
}

function comparison(result: ScenarioResult): string[] {
  const theirs = result.powertools ?? {};
  const columns = COLUMNS.filter((column) => result.ours[column.key] !== undefined);
  const lines = [
    `### ${result.title}`,
    "",
    ...table(
      ["", ...columns.map((c) => c.header)],
      [
        ["ssm-config", ...columns.map((c) => c.cell(result.ours))],
        ["Powertools", ...columns.map((c) => (theirs[c.key] === undefined ? "" : c.cell(theirs)))],
        ["ours / theirs", ...columns.map((c) => ratioCell(result, c))],
      ],
    ),
    "",
  ];
  lines.push(
    `Ratio ours / theirs of ${result.ratioOf}: **${result.ratio ?? "n/a"}**${verdict(result)}.`,
    "",
  );
  for (const note of result.notes) lines.push(`- ${note}`);
  lines.push("");
  return lines;
}

function ratioCell(result: ScenarioResult, column: Column): string {
  if (!column.ratioKey) return "";
  const ours = result.ours[column.ratioKey];
  const theirs = result.powertools?.[column.ratioKey];
  if (typeof ours !== "number" || typeof theirs !== "number") return "";
  if (theirs === 0) return ours === 0 ? "=" : "";
  const ratio = round(ours / theirs);
  return column.ratioKey === result.ratioOf ? `**${ratio}**` : String(ratio);
}

/** Scenario 9: ssm-config alone (Powertools has no equivalent), one row per N. */
function eventCostSection(results: ScenarioResult[]): string[] {
  const first = results[0];
  const rows = results.map(({ n, ours: o }) => [
    n.toLocaleString("en-US"),
    ms(o.handleEventOwnCpuMs),
    ms(o.handleEventCpuMs),
    ms(o.refreshCpuMs),
    ms(o.refreshFloorCpuMs),
    ms(o.refreshOwnCpuMs),
    ms(o.schemaCpuMs),
  ]);
  const last = results[results.length - 1];
  if (first && last && last !== first) {
    const growth = (key: string) => {
      const a = Number(first.ours[key]);
      const b = Number(last.ours[key]);
      return a > 0 ? `**${round(b / a)}**` : "";
    };
    rows.push([
      `${last.n.toLocaleString("en-US")} / ${first.n.toLocaleString("en-US")}`,
      growth("handleEventOwnCpuMs"),
      growth("handleEventCpuMs"),
      growth("refreshCpuMs"),
      growth("refreshFloorCpuMs"),
      growth("refreshOwnCpuMs"),
      growth("schemaCpuMs"),
    ]);
  }
  const lines = [
    ...table(
      [
        "N",
        "handleEvent CPU, own work (schema returns its input)",
        "handleEvent CPU, zod schema",
        "refresh() CPU",
        "refresh: SDK calls alone",
        "refresh: own (minus SDK)",
        "schema alone",
      ],
      rows,
    ),
    "",
  ];
  for (const result of results) if (result.target) lines.push(`- ${result.target.detail}`);
  for (const note of first?.notes ?? []) lines.push(`- ${note}`);
  lines.push("");
  return lines;
}

/** Scenario 10: ssm-config alone (Powertools does not know which values are secret). */
function redactedSection(results: ScenarioResult[]): string[] {
  const rows = results.map(({ title, ours: o }) => [
    title.replace(/^redacted\(\), /, ""),
    count(o.secrets),
    ms(o.redactedCpuMs),
    String(o.runs),
  ]);
  const lines = [...table(["values", "secrets", "CPU per call (median)", "runs"], rows), ""];
  for (const result of results) if (result.target) lines.push(`- ${result.target.detail}`);
  lines.push(
    "- CPU is this process's user + system time (process.cpuUsage()) of one config.redacted() call: a deep copy of the snapshot with every sensitive leaf replaced, and every other string leaf checked for embedded secrets.",
    "- Powertools has no equivalent: it does not know which values are secret.",
    "",
  );
  return lines;
}

function fleetSection(results: ScenarioResult[]): string[] {
  const first = results[0]?.ours ?? {};
  const lines = [
    `${results[0]?.n.toLocaleString("en-US")} real loaders (\`createConfig\` + \`ssmSource\`, with their own polling, backoff and coalescing) share one simulated Parameter Store and one account quota (a token bucket holding one second's worth), on a virtual clock: ${first.parametersPerInstance} parameters each, ${Number(first.virtualSeconds) / 60} virtual minutes after all instances loaded together, one parameter changed every few minutes (${first.changes} changes). Staleness is the time from a change to an instance's \`change\` event, over every (change, instance) pair; pairs still stale at the end count with the time they had waited.`,
    "",
  ];
  const rows = results.map(({ ours: o }) => [
    `${count(o.quotaPerSecond)}/s`,
    String(o.label),
    count(o.peakRps),
    String(o.meanRps),
    count(o.requests),
    count(o.throttled),
    `${censored(o)}${seconds(o.p50StalenessMs)}`,
    `${censored(o)}${seconds(o.p99StalenessMs)}`,
    count(o.notCurrentAtEnd),
  ]);
  lines.push(
    ...table(
      [
        "quota",
        "strategy",
        "peak req/s",
        "mean req/s",
        "requests",
        "throttled",
        "p50 staleness",
        "p99 staleness",
        "stale at end",
      ],
      rows,
    ),
  );
  lines.push(
    "",
    "A staleness marked ≥ is a lower bound: some (change, instance) pairs were still stale when the run ended and count with the time they had waited by then.",
    "",
  );
  const notes = [...new Set(results.flatMap((result) => result.notes))];
  for (const note of notes) lines.push(`- ${note}`);
  lines.push("");
  return lines;
}

/**
 * A Markdown table with every column padded to its widest cell, as Biome formats Markdown, so
 * that a generated RESULTS.md passes `biome check` unchanged.
 */
function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string[] {
  const all = [header, ...rows];
  const widths = header.map((_, column) =>
    Math.max(3, ...all.map((row) => [...(row[column] ?? "")].length)),
  );
  const line = (cells: readonly string[]) =>
    `| ${widths.map((width, column) => pad(cells[column] ?? "", width)).join(" | ")} |`;
  return [line(header), line(widths.map((width) => "-".repeat(width))), ...rows.map(line)];
}

function pad(text: string, width: number): string {
  return text + " ".repeat(Math.max(0, width - [...text].length));
}

/** "(ssm-config 3.2 times better)" from the ratio and which direction is better. */
function verdict(result: ScenarioResult): string {
  const ratio = result.ratio;
  if (ratio === null || ratio <= 0) return "";
  const advantage = result.betterWhen === "higher" ? ratio : 1 / ratio;
  if (advantage > 0.95 && advantage < 1.05) return " (about even)";
  return advantage > 1
    ? ` (ssm-config ${round(advantage)} times better)`
    : ` (ssm-config ${round(1 / advantage)} times worse)`;
}

function censored(side: SideResult): string {
  return Number(side.notCurrentAtEnd) > 0 ? "≥ " : "";
}

function ms(value: unknown): string {
  if (typeof value !== "number" || !Number.isFinite(value)) return "";
  if (value >= 1000) return `${count(Math.round(value))} ms`;
  if (value >= 100) return `${Math.round(value)} ms`;
  return `${value.toPrecision(3).replace(/\.?0+$/, "")} ms`;
}

function us(value: unknown): string {
  if (typeof value !== "number" || !Number.isFinite(value)) return "";
  return `${value >= 100 ? Math.round(value) : value.toPrecision(3).replace(/\.?0+$/, "")} us`;
}

function seconds(value: unknown): string {
  if (typeof value !== "number" || !Number.isFinite(value)) return "";
  const s = value / 1000;
  return s >= 100 ? `${Math.round(s)} s` : `${s.toPrecision(3).replace(/\.?0+$/, "")} s`;
}

function count(value: unknown): string {
  return typeof value === "number" ? value.toLocaleString("en-US") : "";
}
