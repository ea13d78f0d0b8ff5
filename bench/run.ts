/**
 * `npm run bench [-- --quick] [-- --only=1,4,7] [-- --render]`: ssm-config against
 * @aws-lambda-powertools/parameters on the same data in the same run (a moto server this script
 * starts and stops), plus a fleet simulation on a virtual clock. Writes results.json, RESULTS.md
 * and results.svg next to this file (a --quick or --only run writes them to bench/local/ instead);
 * --render only rewrites RESULTS.md and results.svg from an existing results.json.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { findMotoServer, type MotoServer, startMoto } from "../test/support/moto-server.js";
import { changePropagation } from "./scenarios/change-propagation.js";
import { coldLoad } from "./scenarios/cold-load.js";
import { eventCost } from "./scenarios/event-cost.js";
import { fleet } from "./scenarios/fleet.js";
import { hotRead } from "./scenarios/hot-read.js";
import { importTime } from "./scenarios/import-time.js";
import { loadCpu } from "./scenarios/load-cpu.js";
import { memory } from "./scenarios/memory.js";
import { namedParameters } from "./scenarios/named-parameters.js";
import { LARGE_SECRETS, redacted } from "./scenarios/redacted.js";
import { refresh } from "./scenarios/refresh.js";
import { mixedParameters, resetMoto, seed, ssmClient } from "./support/aws.js";
import { renderMarkdown } from "./support/markdown.js";
import type { BenchEnv, BenchReport, ScenarioResult } from "./support/results.js";
import { round } from "./support/stats.js";
import { renderChart } from "./support/svg-chart.js";

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, "..");
const args = process.argv.slice(2);
const quick = args.includes("--quick");
const onlyArg = args.find((arg) => arg.startsWith("--only="));
const only = onlyArg ? new Set(onlyArg.slice("--only=".length).split(",")) : undefined;
const wanted = (scenario: number) => !only || only.has(String(scenario));
// Only a full run of every scenario replaces the committed results.
const outDir = quick || only ? join(here, "local") : here;

/** Path sizes; a quick run replaces 1,000 with 300 to stay within two minutes. */
const SIZES = quick ? [10, 100, 300] : [10, 100, 1_000];
const LARGE = SIZES[2] as number;
/** Sizes of the in-process scenarios (6, 8-10): the same in a quick run (but for CPU per
 * parameter, 1,000 only), with fewer runs. */
const CPU_SIZES = quick ? [1_000] : [1_000, 10_000];
const EVENT_SIZES = [1_000, 5_000, 10_000];
const MEMORY_N = 10_000;
const rootFor = (n: number) => `/bench/n${n}`;
const startedAt = Date.now();
/** Other work on the machine skews timings; the report records the 1-minute load average. */
const loadAtStart = loadavg()[0]?.toFixed(2) ?? "unknown";

function log(message: string): void {
  const seconds = ((Date.now() - startedAt) / 1000).toFixed(1).padStart(6);
  process.stdout.write(`[${seconds}s] ${message}\n`);
}

function writeReports(report: BenchReport): void {
  writeFileSync(join(outDir, "RESULTS.md"), renderMarkdown(report));
  writeFileSync(join(outDir, "results.svg"), renderChart(report));
}

async function main(): Promise<void> {
  if (args.includes("--render")) {
    const report = JSON.parse(readFileSync(join(outDir, "results.json"), "utf8")) as BenchReport;
    writeReports(report);
    log(`rewrote ${join(outDir, "RESULTS.md")} and results.svg from results.json`);
    return;
  }
  log(`ssm-config benchmarks (${quick ? "quick" : "full"} run)`);
  const results: ScenarioResult[] = [];
  // A quick run warms up with one round instead of two.
  const base = { quick, warmups: quick ? 1 : 2, log };
  // Even, so that each library goes first in half of the measured runs.
  const runs = quick ? 4 : 10;

  // In-process scenarios first, on a quiet process: no emulator, no network. Each SDK page
  // costs about 1-2 ms of CPU (signing, serialising, parsing), so the run counts below keep a
  // quick run's share to a few seconds of CPU.
  const inProcess = (quickRuns: number, fullRuns: number, warmups = quick ? 1 : 2): BenchEnv => ({
    ...base,
    endpoint: "",
    runs: quick ? quickRuns : fullRuns,
    warmups,
  });
  if (wanted(6)) {
    log(`6. memory, N = ${MEMORY_N}`);
    results.push(await memory(inProcess(2, 10), MEMORY_N));
  }
  if (wanted(8)) {
    for (const n of CPU_SIZES) {
      log(`8. load CPU per parameter, N = ${n}`);
      // Runs at N = 1,000 are cheap, and their own-work figure is the noisier one.
      results.push(await loadCpu(n <= 1_000 ? inProcess(24, 45, 3) : inProcess(6, 9), n));
    }
  }
  if (wanted(9)) {
    const series: ScenarioResult[] = [];
    for (const n of EVENT_SIZES) {
      log(`9. one changed value: handleEvent / refresh(), N = ${n}`);
      series.push(await eventCost(inProcess(6, 12), n));
    }
    growthTarget(
      series,
      "handleEventOwnCpuMs",
      3,
      "one handleEvent for one changed value, ssm-config's own work (a schema that returns its input)",
    );
    results.push(...series);
  }
  if (wanted(10)) {
    const series: ScenarioResult[] = [];
    for (const n of EVENT_SIZES) {
      log(`10. redacted(), N = ${n}`);
      series.push(await redacted(inProcess(10, 30), n, "mixed"));
    }
    growthTarget(series, "redactedCpuMs", 15, "redacted()");
    results.push(...series);
    log(`10. redacted(), ${LARGE_SECRETS.secrets} secrets of 2 KB`);
    results.push(await redacted(inProcess(10, 30), LARGE_SECRETS.total, "largeSecrets"));
  }
  if (wanted(11)) {
    if (distIsStale()) {
      log("11. import time: building dist/ from src/");
      buildDist();
    }
    log("11. import time, fresh processes");
    results.push(await importTime(inProcess(10, 20), repoRoot));
  }

  const needsMoto = [1, 2, 3, 4, 5].some(wanted);
  let moto: MotoServer | undefined;
  try {
    if (needsMoto) {
      if (!findMotoServer()) {
        throw new Error(
          "moto_server is not on PATH; install it with pip install 'moto[server]' (or run --only=6,7,8,9,10,11 for the scenarios without moto).",
        );
      }
      moto = await startMoto();
      log(`moto_server on ${moto.endpoint}`);
      const env: BenchEnv = { ...base, endpoint: moto.endpoint, runs };
      // A fresh store for each group, so moto's per-page cost does not grow with what earlier
      // groups stored.
      const fresh = async (...sizes: number[]) => {
        await resetMoto(env.endpoint);
        const writer = ssmClient(env.endpoint);
        for (const n of sizes) await seed(writer, mixedParameters(rootFor(n), n));
        writer.destroy();
        log(`moto reset; seeded ${sizes.join(", ") || "nothing"}`);
      };

      if (wanted(1)) {
        for (const n of SIZES) {
          await fresh(n);
          log(`1. cold load, N = ${n}`);
          results.push(await coldLoad(env, rootFor(n), n));
        }
      }
      if (wanted(2) || wanted(3)) await fresh(100);
      if (wanted(2)) {
        log("2. named parameters, +20 ms per request");
        results.push(await namedParameters(env, rootFor(100), 100));
      }
      if (wanted(3)) {
        log("3. hot read");
        results.push(await hotRead(env, rootFor(100)));
      }
      if (wanted(4)) {
        await fresh(LARGE);
        log(`4. refresh, N = ${LARGE}, nothing changed`);
        results.push(await refresh(env, rootFor(LARGE), LARGE, 0));
        log(`4. refresh, N = ${LARGE}, one value changed`);
        results.push(await refresh(env, rootFor(LARGE), LARGE, 1));
      }
      if (wanted(5)) {
        await fresh();
        const changes = quick ? 30 : 100;
        log(`5. change propagation, ${changes} changes`);
        results.push(...(await changePropagation(env, "/bench/events", changes)));
      }
    }
  } finally {
    await moto?.stop();
  }
  if (wanted(7)) {
    log(`7. fleet simulation (${quick ? "100" : "1,000"} instances x 200 parameters)`);
    results.push(
      ...(await fleet({ endpoint: "", quick, runs: 1, warmups: 0, log: (m) => log(m) })),
    );
  }
  // By scenario number; within one, in the order run.
  const number = (result: ScenarioResult) => Number.parseInt(result.scenario, 10);
  results.sort((a, b) => number(a) - number(b));

  const report: BenchReport = {
    generatedAt: new Date().toISOString(),
    mode: quick ? "quick" : "full",
    durationSeconds: Math.round((Date.now() - startedAt) / 1000),
    environment: environment(),
    results,
  };
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, "results.json"), `${JSON.stringify(report, null, 2)}\n`);
  writeReports(report);
  log(`wrote ${join(outDir, "results.json")}, RESULTS.md and results.svg`);
  for (const result of results) {
    if (result.target) {
      log(`${result.target.met ? "MET   " : "MISSED"} ${result.scenario}: ${result.target.detail}`);
    }
  }
}

/**
 * Sets the target "cost at the largest N at most `limit` times the cost at the smallest" on the
 * last result of a series (ssm-config alone, by N).
 */
function growthTarget(series: ScenarioResult[], key: string, limit: number, what: string): void {
  const first = series[0];
  const last = series[series.length - 1];
  if (!first || !last || first === last) return;
  const growth = Number(last.ours[key]) / Number(first.ours[key]);
  const at = (result: ScenarioResult) => `${result.ours[key]} ms at N = ${result.n}`;
  last.target = {
    goal: `${what}: cost at N = ${last.n} at most ${limit} times the cost at N = ${first.n}`,
    met: growth <= limit,
    detail: `${what}: ${round(growth)}x (${at(first)}, ${series.slice(1).map(at).join(", ")})`,
  };
}

/** Whether any file in src/ is newer than dist/index.js (or dist/ is missing). */
function distIsStale(): boolean {
  const built = join(repoRoot, "dist", "index.js");
  if (!existsSync(built)) return true;
  const builtAt = statSync(built).mtimeMs;
  const newer = (dir: string): boolean =>
    readdirSync(dir, { withFileTypes: true }).some((entry) => {
      const path = join(dir, entry.name);
      return entry.isDirectory() ? newer(path) : statSync(path).mtimeMs > builtAt;
    });
  return newer(join(repoRoot, "src"));
}

/** Builds dist/ (what `import("ssm-config")` resolves to) from the current source. */
function buildDist(): void {
  const tsc = join(repoRoot, "node_modules", "typescript", "bin", "tsc");
  execFileSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], {
    cwd: repoRoot,
    stdio: "inherit",
  });
}

function environment() {
  const version = (pkg: string) => {
    try {
      const path = join(here, "..", "node_modules", ...pkg.split("/"), "package.json");
      return (JSON.parse(readFileSync(path, "utf8")) as { version: string }).version;
    } catch {
      return "unknown";
    }
  };
  let moto = "unknown";
  try {
    moto = execFileSync("python3", ["-c", "import moto; print(moto.__version__)"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
  } catch {
    // Only for the report.
  }
  // Read-only git queries: which library code was measured.
  const git = (...args: string[]) => {
    try {
      return execFileSync("git", args, {
        cwd: here,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
      }).trim();
    } catch {
      return "unknown";
    }
  };
  const changes = git("status", "--porcelain", "--", "../src");
  return {
    libraryCommit: git("rev-parse", "--short", "HEAD"),
    librarySourceChanged: changes === "unknown" ? "unknown" : changes === "" ? "no" : "yes",
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? "unknown",
    loadAverageAtStart: loadAtStart,
    loadAverageAtEnd: loadavg()[0]?.toFixed(2) ?? "unknown",
    moto,
    powertoolsParameters: version("@aws-lambda-powertools/parameters"),
    awsSdkClientSsm: version("@aws-sdk/client-ssm"),
  };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
