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
  const result = await rotate(env, { ours, theirs });
  return { ours: result.ours, theirs: result.theirs };
}

/**
 * Runs every variant `warmups + runs` times, one round at a time, each round starting one
 * variant further along, so that every variant gets the same number of runs and goes first
 * (and last) equally often when `runs` is a multiple of the number of variants. Returns each
 * variant's measured values (warm-up rounds dropped), in run order.
 */
export async function rotate<K extends string>(
  env: Pick<BenchEnv, "runs" | "warmups">,
  variants: Record<K, (run: number) => Promise<number> | number>,
): Promise<Record<K, number[]>> {
  const names = Object.keys(variants) as K[];
  const result = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<
    K,
    number[]
  >;
  for (let run = 0; run < env.warmups + env.runs; run++) {
    for (let step = 0; step < names.length; step++) {
      const name = names[(run + step) % names.length] as K;
      const value = await variants[name](run);
      if (run >= env.warmups) result[name].push(value);
    }
  }
  return result;
}

/** Wall time and this process's CPU time (user + system), in milliseconds, taken by `work`. */
export async function measureCpu(
  work: () => Promise<unknown>,
): Promise<{ wallMs: number; cpuMs: number }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await work();
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { wallMs, cpuMs: (used.user + used.system) / 1000 };
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
