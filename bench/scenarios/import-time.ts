import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import {
  type BenchEnv,
  pairedRatio,
  ratioOf,
  rotate,
  type ScenarioResult,
} from "../support/results.js";
import { median, round, spread } from "../support/stats.js";

const OURS = "ssm-config";
const THEIRS = "@aws-lambda-powertools/parameters/ssm";

/**
 * Scenario 11: `import()` of ssm-config's root entry (the built `dist/`, resolved by package
 * name as an application would) against Powertools' `@aws-lambda-powertools/parameters/ssm`,
 * each in a fresh Node process, alternating, the same number of runs each. The figure is the
 * time the dynamic `import()` took inside the child (module loading and evaluation, the
 * libraries' dependencies included); the whole process's wall time, Node's start-up included,
 * is reported too.
 */
export async function importTime(env: BenchEnv, repoRoot: string): Promise<ScenarioResult> {
  if (!existsSync(join(repoRoot, "dist", "index.js"))) {
    throw new Error("dist/index.js is missing: run npm run build first");
  }
  const processMs: Record<string, number[]> = { ours: [], theirs: [] };
  const importOnce = (specifier: string, side: string) => {
    const started = performance.now();
    const child = spawnSync(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        `const t = performance.now(); await import(${JSON.stringify(specifier)}); process.stdout.write(String(performance.now() - t));`,
      ],
      { cwd: repoRoot, encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "" } },
    );
    const wall = performance.now() - started;
    if (child.status !== 0) {
      throw new Error(`import(${specifier}) failed in a fresh process: ${child.stderr}`);
    }
    processMs[side]?.push(wall);
    return Number(child.stdout);
  };
  const samples = await rotate(env, {
    ours: () => importOnce(OURS, "ours"),
    theirs: () => importOnce(THEIRS, "theirs"),
  });
  const side = (values: number[], walls: number[]) => {
    const s = spread(values);
    return {
      medianMs: round(s.median),
      p25Ms: round(s.p25),
      p75Ms: round(s.p75),
      iqrMs: round(s.iqr),
      minMs: round(s.min),
      maxMs: round(s.max),
      processMedianMs: round(median(walls.slice(env.warmups))),
      runs: s.runs,
    };
  };
  const ours = side(samples.ours, processMs.ours as number[]);
  const theirs = side(samples.theirs, processMs.theirs as number[]);
  const ratio = ratioOf(ours.medianMs, theirs.medianMs);
  return {
    scenario: "11-import-time",
    title: `import() of the root entry in a fresh process`,
    n: 1,
    ours,
    powertools: theirs,
    ratio,
    pairedRatio: pairedRatio(samples.ours, samples.theirs),
    ratioOf: "medianMs",
    betterWhen: "lower",
    target: {
      goal: `import("${OURS}") at most 1.1 times Powertools' "${THEIRS}"`,
      met: ratio !== null && ratio <= 1.1,
      detail: `${ratio}x: ${ours.medianMs} ms vs ${theirs.medianMs} ms (whole process, Node's start-up included: ${ours.processMedianMs} ms vs ${theirs.processMedianMs} ms)`,
    },
    notes: [
      `Each run is a new \`node --input-type=module -e\` process in the repository root timing \`await import("${OURS}")\` (the built dist/, through package.json's exports) or \`await import("${THEIRS}")\` with performance.now(); dependencies (the AWS SDK client for Powertools, whatever the root entry pulls in for ssm-config) are included.`,
      `Whole process (spawn to exit, Node's start-up included), median: ssm-config ${ours.processMedianMs} ms, Powertools ${theirs.processMedianMs} ms.`,
      `${ours.runs} runs each after ${env.warmups} warm-up rounds, alternating which goes first.`,
    ],
  };
}
