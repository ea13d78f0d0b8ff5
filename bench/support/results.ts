import { median, round, spread } from "./stats.js";

/** One library's figures in one scenario; the keys depend on the scenario. */
export type SideResult = Record<
  string,
  number | string | boolean | null | number[] | Record<string, number> | undefined
>;

/** A goal from the issue, and whether this run met it. */
export interface TargetCheck {
  goal: string;
  met: boolean;
  detail: string;
}

/**
 * One row of `results.json`: a scenario at one size, both libraries' figures, and the ratio
 * ours / theirs of the metric named by `ratioOf` (lower is better unless `betterWhen` says
 * otherwise).
 */
export interface ScenarioResult {
  scenario: string;
  title: string;
  n: number;
  ours: SideResult;
  powertools: SideResult | null;
  ratio: number | null;
  /**
   * For timed scenarios: the median of per-run ratios, each run pairing the two libraries back
   * to back, which is robust to the emulator drifting during a scenario.
   */
  pairedRatio?: number;
  ratioOf: string;
  betterWhen: "lower" | "higher";
  target?: TargetCheck;
  notes: string[];
}

/** What a scenario module needs from the runner. */
export interface BenchEnv {
  /** moto's endpoint. */
  readonly endpoint: string;
  readonly quick: boolean;
  /** Measured runs per library (after `warmups`). */
  readonly runs: number;
  readonly warmups: number;
  log(message: string): void;
}

/** Wall-time figures of a set of runs, in milliseconds. */
export interface TimedFigures {
  medianMs: number;
  p25Ms: number;
  p75Ms: number;
  iqrMs: number;
  minMs: number;
  maxMs: number;
  runs: number;
  /** Every measured run, in order. */
  samplesMs: number[];
}

export function timedSide(samples: readonly number[]): TimedFigures {
  const s = spread(samples);
  return {
    medianMs: round(s.median),
    p25Ms: round(s.p25),
    p75Ms: round(s.p75),
    iqrMs: round(s.iqr),
    minMs: round(s.min),
    maxMs: round(s.max),
    runs: s.runs,
    samplesMs: samples.map(round),
  };
}

/** ours / theirs, rounded; null when either side is missing. */
export function ratioOf(ours: unknown, theirs: unknown): number | null {
  if (typeof ours !== "number" || typeof theirs !== "number" || theirs === 0) return null;
  return round(ours / theirs);
}

/**
 * Runs both libraries `warmups + runs` times, alternating which goes first so that drift in
 * the emulator (or the machine) does not favour one side: with an even number of measured runs
 * each side goes first equally often. Each function returns the time it
 * measured, so set-up can stay outside the timed part.
 */
export async function alternate(
  env: BenchEnv,
  ours: (run: number) => Promise<number>,
  theirs: (run: number) => Promise<number>,
): Promise<{ ours: number[]; theirs: number[] }> {
  const result = { ours: [] as number[], theirs: [] as number[] };
  for (let run = 0; run < env.warmups + env.runs; run++) {
    const measured = run >= env.warmups;
    let a: number;
    let b: number;
    if (run % 2 === 0) {
      a = await ours(run);
      b = await theirs(run);
    } else {
      b = await theirs(run);
      a = await ours(run);
    }
    if (measured) {
      result.ours.push(a);
      result.theirs.push(b);
    }
  }
  return result;
}

/** Median of ours[i] / theirs[i]. */
export function pairedRatio(ours: readonly number[], theirs: readonly number[]): number {
  return round(median(ours.map((value, index) => value / (theirs[index] as number))));
}

/** Milliseconds taken by `work`. */
export async function time(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

/** The whole of `results.json`. */
export interface BenchReport {
  generatedAt: string;
  mode: "quick" | "full";
  durationSeconds: number;
  environment: Record<string, string | number>;
  results: ScenarioResult[];
}
