import type { BenchReport, ScenarioResult } from "./results.js";

/** One comparison bar: how many times better (>1) or worse (<1) ssm-config did. */
interface AdvantageRow {
  label: string;
  detail: string;
  /** Theirs / ours for lower-is-better metrics, ours / theirs otherwise; Infinity when theirs is 0. */
  advantage: number;
}

const WIDTH = 1000;
const FONT = "font-family:system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif";
const OURS = "#2563eb";
const BETTER = "#16a34a";
const WORSE = "#dc2626";
const GRID = "#e5e7eb";
const MUTED = "#6b7280";
const STRATEGY_COLOURS: Record<string, string> = {
  fixed: "#dc2626",
  jittered: "#f59e0b",
  events: "#2563eb",
  "events-spread-nr": "#9333ea",
  "events-spread": "#16a34a",
};

/**
 * results.svg: a bar per comparison on a log scale centred on "as fast as Powertools", so that
 * who wins, and by how much, reads at a glance; then the fleet's request rate over virtual time
 * against the account quota, per strategy.
 */
export function renderChart(report: BenchReport): string {
  const rows = advantageRows(report.results);
  const fleet = report.results.filter((result) => result.scenario === "7-fleet");
  const parts: string[] = [];
  let y = 0;

  parts.push(
    text(24, 34, "ssm-config vs Powertools (parameters): how many times better", {
      size: 20,
      weight: 700,
    }),
    text(
      24,
      56,
      `Same moto server (scenarios 1-5) or in-process backend (6, 8), same SDK client settings, one ${report.mode} run on ${report.generatedAt.slice(0, 10)} (Node ${report.environment.node}). Bars to the right: ssm-config better; to the left: worse. Log scale.`,
      { size: 12, fill: MUTED },
    ),
  );
  y = 80;
  parts.push(...advantageChart(rows, y));
  y += 20 + rows.length * 30 + 22;
  parts.push(
    text(
      24,
      y,
      "Times are moto's on loopback, not AWS's. moto pages DescribeParameters by 10 (AWS: 50), which slows ssm-config's refresh here.",
      { size: 11, fill: MUTED },
    ),
    text(
      24,
      y + 15,
      "* Computed from AWS page sizes (50 per DescribeParameters page), not measured.",
      {
        size: 11,
        fill: MUTED,
      },
    ),
  );
  y += 52;

  if (fleet.length > 0) {
    parts.push(
      text(
        24,
        y,
        `Fleet simulation: ${fleet[0]?.n.toLocaleString("en-US")} instances x 200 parameters, real loader`,
        {
          size: 18,
          weight: 700,
        },
      ),
      text(
        24,
        y + 20,
        "Requests/s reaching Parameter Store (10 s averages, log scale) against the account quota (dashed); throttled requests and p99 staleness.",
        { size: 12, fill: MUTED },
      ),
    );
    y += 40;
    const quotas = [...new Set(fleet.map((result) => Number(result.ours.quotaPerSecond)))];
    const panelWidth = (WIDTH - 48 - 24 * (quotas.length - 1)) / quotas.length;
    let tallest = 0;
    quotas.forEach((quota, index) => {
      const panel = fleetPanel(
        fleet.filter((result) => result.ours.quotaPerSecond === quota),
        quota,
        24 + index * (panelWidth + 24),
        y,
        panelWidth,
      );
      parts.push(...panel.parts);
      tallest = Math.max(tallest, panel.height);
    });
    y += tallest + 10;
  }

  const height = Math.ceil(y + 20);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="Benchmark results: ssm-config against Powertools, and the fleet simulation">`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    ...parts,
    "</svg>",
    "",
  ].join("\n");
}

function advantageRows(results: readonly ScenarioResult[]): AdvantageRow[] {
  const rows: AdvantageRow[] = [];
  for (const result of results) {
    if (!result.powertools) continue;
    const metric = result.ratioOf;
    const ours = result.ours[metric];
    const theirs = result.powertools[metric];
    if (typeof ours !== "number" || typeof theirs !== "number") continue;
    const advantage = result.betterWhen === "higher" ? ours / theirs : theirs / ours;
    rows.push({
      label: shortLabel(result),
      detail: `${format(ours, metric)} vs ${format(theirs, metric)}`,
      advantage,
    });
    if (result.scenario.startsWith("4-")) {
      const base = shortLabel(result).replace(" (time)", "");
      const ourDecrypting = Number(result.ours.decryptingCalls);
      const theirDecrypting = Number(result.powertools.decryptingCalls);
      rows.push({
        label: `${base} (decrypting calls)`,
        detail: `${ourDecrypting} vs ${theirDecrypting} calls`,
        advantage: ourDecrypting === 0 ? Number.POSITIVE_INFINITY : theirDecrypting / ourDecrypting,
      });
      const ourAws = Number(result.ours.awsCalls);
      const theirAws = Number(result.powertools.awsCalls);
      if (ourAws > 0 && theirAws > 0) {
        rows.push({
          label: `${base} (calls, AWS page sizes)*`,
          detail: `${ourAws} vs ${theirAws} (computed)`,
          advantage: theirAws / ourAws,
        });
      }
    }
  }
  return rows;
}

function shortLabel(result: ScenarioResult): string {
  const number = result.scenario.split("-")[0];
  switch (result.scenario) {
    case "1-cold-load":
      return `${number} Cold load, N = ${result.n.toLocaleString("en-US")} (time)`;
    case "2-named-parameters":
      return `${number} 100 named, +20 ms latency (time)`;
    case "3-hot-read":
      return `${number} Hot read (reads/s)`;
    case "4-refresh-unchanged":
      return `${number} Refresh, nothing changed (time)`;
    case "4-refresh-one-changed":
      return `${number} Refresh, one changed (time)`;
    case "5-propagation-handle-event":
      return `${number} Change seen: handleEvent (p50)`;
    case "5-propagation-sqs":
      return `${number} Change seen: SQS message (p50)`;
    case "6-memory":
      return `${number} Heap per parameter (bytes)`;
    case "8-load-cpu":
      return `${number} Load CPU per parameter, N = ${result.n.toLocaleString("en-US")}`;
    case "11-import-time":
      return `${number} import() in a fresh process`;
    default:
      return result.title;
  }
}

function format(value: number, metric: string): string {
  if (metric.endsWith("Ms")) {
    return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toPrecision(3)} ms`;
  }
  if (metric === "readsPerSecond") return `${compact(value)}/s`;
  if (metric === "bytesPerParameter") return `${Math.round(value)} B`;
  if (metric === "cpuUsPerParameter") return `${value.toPrecision(3)} us`;
  return String(value);
}

function compact(value: number): string {
  if (value >= 1e6) return `${(value / 1e6).toFixed(1)}M`;
  if (value >= 1e3) return `${(value / 1e3).toFixed(1)}k`;
  return value.toFixed(0);
}

function advantageChart(rows: readonly AdvantageRow[], top: number): string[] {
  const labelWidth = 310;
  const left = 24 + labelWidth;
  const width = 380;
  const minLog = -1; // 10x worse
  const maxLog = 3; // 1000x better
  const x = (factor: number) =>
    left +
    ((Math.min(maxLog, Math.max(minLog, Math.log10(factor))) - minLog) / (maxLog - minLog)) * width;
  const parts: string[] = [];
  const bottom = top + 20 + rows.length * 30;
  for (const tick of [0.1, 0.3, 1, 3, 10, 30, 100, 300, 1000]) {
    const tx = x(tick);
    parts.push(
      line(tx, top + 14, tx, bottom, tick === 1 ? "#111827" : GRID, tick === 1 ? 1.5 : 1),
      text(tx, top + 8, tickLabel(tick), { size: 11, fill: MUTED, anchor: "middle" }),
    );
  }
  rows.forEach((row, index) => {
    const cy = top + 20 + index * 30 + 15;
    const origin = x(1);
    const end = x(Number.isFinite(row.advantage) ? row.advantage : 10 ** maxLog);
    const better = row.advantage >= 1;
    const even = row.advantage > 0.95 && row.advantage < 1.05;
    const colour = even ? MUTED : better ? BETTER : WORSE;
    const barX = Math.min(origin, end);
    const barWidth = Math.max(2, Math.abs(end - origin));
    const factor = !Number.isFinite(row.advantage)
      ? "none needed"
      : even
        ? "about even"
        : better
          ? `${trim(row.advantage)}x better`
          : `${trim(1 / row.advantage)}x worse`;
    parts.push(
      text(24, cy + 4, row.label, { size: 13 }),
      `<rect x="${barX.toFixed(1)}" y="${cy - 9}" width="${barWidth.toFixed(1)}" height="18" rx="2" fill="${colour}"/>`,
      text(left + width + 12, cy + 4, factor, { size: 13, weight: 700, fill: colour }),
      text(left + width + 118, cy + 4, row.detail, { size: 12, fill: MUTED }),
    );
  });
  return parts;
}

function fleetPanel(
  results: readonly ScenarioResult[],
  quota: number,
  left: number,
  top: number,
  width: number,
): { parts: string[]; height: number } {
  const plotTop = top + 24;
  const plotHeight = 170;
  const plotLeft = left + 44;
  const plotWidth = width - 54;
  const maxLog = 4; // 10,000 req/s
  const y = (rate: number) =>
    plotTop + plotHeight - (Math.log10(Math.max(1, rate)) / maxLog) * plotHeight;
  const parts: string[] = [
    text(left, top + 12, `Quota ${quota.toLocaleString("en-US")} requests/s`, {
      size: 14,
      weight: 700,
    }),
  ];
  for (const tick of [1, 10, 100, 1000, 10000]) {
    parts.push(
      line(plotLeft, y(tick), plotLeft + plotWidth, y(tick), GRID, 1),
      text(plotLeft - 6, y(tick) + 4, tick.toLocaleString("en-US"), {
        size: 10,
        fill: MUTED,
        anchor: "end",
      }),
    );
  }
  parts.push(
    `<line x1="${plotLeft}" y1="${y(quota).toFixed(1)}" x2="${plotLeft + plotWidth}" y2="${y(quota).toFixed(1)}" stroke="#111827" stroke-width="1.5" stroke-dasharray="6 4"/>`,
  );
  const minutes = Number(results[0]?.ours.virtualSeconds ?? 0) / 60;
  parts.push(
    text(plotLeft, plotTop + plotHeight + 14, "0", { size: 10, fill: MUTED }),
    text(plotLeft + plotWidth, plotTop + plotHeight + 14, `${minutes} min (virtual)`, {
      size: 10,
      fill: MUTED,
      anchor: "end",
    }),
  );
  for (const result of results) {
    const series = (result.ours.series as number[] | undefined) ?? [];
    const colour = STRATEGY_COLOURS[String(result.ours.strategy)] ?? OURS;
    const points = series
      .map((rate, index) => {
        const px = plotLeft + (index / Math.max(1, series.length - 1)) * plotWidth;
        return `${px.toFixed(1)},${y(rate).toFixed(1)}`;
      })
      .join(" ");
    parts.push(
      `<polyline points="${points}" fill="none" stroke="${colour}" stroke-width="1.5" stroke-opacity="0.9"/>`,
    );
  }
  let legendY = plotTop + plotHeight + 34;
  for (const result of results) {
    const o = result.ours;
    const colour = STRATEGY_COLOURS[String(o.strategy)] ?? OURS;
    const staleness = Number(o.p99StalenessMs) / 1000;
    const bound = Number(o.notCurrentAtEnd) > 0 ? "≥" : "";
    parts.push(
      `<rect x="${left}" y="${legendY - 9}" width="12" height="12" fill="${colour}"/>`,
      text(left + 18, legendY + 1, String(o.label), { size: 11.5 }),
      text(
        left + width,
        legendY + 1,
        `peak ${Number(o.peakRps).toLocaleString("en-US")}/s · ${Number(o.throttled).toLocaleString("en-US")} throttled · p99 ${bound}${staleness >= 100 ? Math.round(staleness) : staleness.toPrecision(2)} s`,
        {
          size: 11.5,
          anchor: "end",
          weight: Number(o.throttled) === 0 ? 400 : 700,
          fill: Number(o.throttled) === 0 ? "#111827" : WORSE,
        },
      ),
    );
    legendY += 20;
  }
  return { parts, height: legendY - top };
}

function tickLabel(tick: number): string {
  if (tick === 1) return "same";
  if (tick === 0.1) return "10x worse";
  if (tick < 1) return "";
  return `${tick}x`;
}

function trim(value: number): string {
  if (value >= 100) return Math.round(value).toLocaleString("en-US");
  if (value >= 10) return value.toFixed(0);
  return value.toFixed(1);
}

function line(
  x1: number,
  y1: number,
  x2: number,
  y2: number,
  stroke: string,
  width: number,
): string {
  return `<line x1="${x1.toFixed(1)}" y1="${y1.toFixed(1)}" x2="${x2.toFixed(1)}" y2="${y2.toFixed(1)}" stroke="${stroke}" stroke-width="${width}"/>`;
}

function text(
  x: number,
  y: number,
  content: string,
  style: { size: number; weight?: number; fill?: string; anchor?: "start" | "middle" | "end" },
): string {
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" style="${FONT}" font-size="${style.size}" font-weight="${style.weight ?? 400}" fill="${style.fill ?? "#111827"}" text-anchor="${style.anchor ?? "start"}">${escapeXml(content)}</text>`;
}

function escapeXml(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
