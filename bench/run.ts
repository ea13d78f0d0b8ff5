/**
 * `npm run bench [-- --quick] [-- --only=1,4,7] [-- --render]`: ssm-config against
 * @aws-lambda-powertools/parameters on the same data in the same run (a moto server this script
 * starts and stops), plus a fleet simulation on a virtual clock. Writes results.json, RESULTS.md
 * and results.svg next to this file (a --quick or --only run writes them to bench/local/ instead);
 * --render only rewrites RESULTS.md and results.svg from an existing results.json.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { findMotoServer, type MotoServer, startMoto } from "../test/support/moto-server.js";
import { changePropagation } from "./scenarios/change-propagation.js";
import { coldLoad } from "./scenarios/cold-load.js";
import { fleet } from "./scenarios/fleet.js";
import { hotRead } from "./scenarios/hot-read.js";
import { memory } from "./scenarios/memory.js";
import { namedParameters } from "./scenarios/named-parameters.js";
import { refresh } from "./scenarios/refresh.js";
import { mixedParameters, seed, ssmClient } from "./support/aws.js";
import { renderMarkdown } from "./support/markdown.js";
import type { BenchEnv, BenchReport, ScenarioResult } from "./support/results.js";
import { renderChart } from "./support/svg-chart.js";

const here = dirname(fileURLToPath(import.meta.url));
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
  const needsMoto = [1, 2, 3, 4, 5, 6].some(wanted);
  let moto: MotoServer | undefined;
  try {
    if (needsMoto) {
      if (!findMotoServer()) {
        throw new Error(
          "moto_server is not on PATH; install it with pip install 'moto[server]' (or run --only=7 for the fleet simulation alone).",
        );
      }
      moto = await startMoto();
      log(`moto_server on ${moto.endpoint}`);
      const env: BenchEnv = {
        endpoint: moto.endpoint,
        quick,
        // Even, so that each library goes first in half of the measured runs.
        runs: quick ? 4 : 10,
        warmups: 2,
        log,
      };
      const writer = ssmClient(moto.endpoint);
      for (const n of SIZES) {
        await seed(writer, mixedParameters(rootFor(n), n));
        log(`seeded ${n} parameters under ${rootFor(n)}`);
      }
      writer.destroy();

      if (wanted(1)) {
        for (const n of SIZES) {
          log(`1. cold load, N = ${n}`);
          results.push(await coldLoad(env, rootFor(n), n));
        }
      }
      if (wanted(2)) {
        log("2. named parameters, +20 ms per request");
        results.push(await namedParameters(env, rootFor(100), 100));
      }
      if (wanted(3)) {
        log("3. hot read");
        results.push(await hotRead(env, rootFor(100)));
      }
      if (wanted(6)) {
        log(`6. memory, N = ${LARGE}`);
        results.push(await memory(env, rootFor(LARGE), LARGE));
      }
      if (wanted(4)) {
        log(`4. refresh, N = ${LARGE}, nothing changed`);
        results.push(await refresh(env, rootFor(LARGE), LARGE, 0));
        log(`4. refresh, N = ${LARGE}, one value changed`);
        results.push(await refresh(env, rootFor(LARGE), LARGE, 1));
      }
      if (wanted(5)) {
        log("5. change propagation, 100 changes");
        results.push(...(await changePropagation(env, "/bench/events", 100)));
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
