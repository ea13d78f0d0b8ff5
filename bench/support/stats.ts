/** Order statistics for benchmark samples. Quantiles interpolate linearly between ranks. */

/** The q-quantile (0..1) of `values`; NaN for an empty list. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (sorted.length - 1) * Math.min(1, Math.max(0, q));
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  const lower = sorted[low] as number;
  const upper = sorted[high] as number;
  return lower + (upper - lower) * (rank - low);
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** Median, quartiles and range of a set of timed runs, in the samples' unit. */
export interface Spread {
  median: number;
  p25: number;
  p75: number;
  /** Interquartile range, p75 - p25: the spread a reader should trust. */
  iqr: number;
  min: number;
  max: number;
  runs: number;
}

export function spread(values: readonly number[]): Spread {
  const p25 = quantile(values, 0.25);
  const p75 = quantile(values, 0.75);
  return {
    median: quantile(values, 0.5),
    p25,
    p75,
    iqr: p75 - p25,
    min: values.reduce((a, b) => Math.min(a, b), Number.POSITIVE_INFINITY),
    max: values.reduce((a, b) => Math.max(a, b), Number.NEGATIVE_INFINITY),
    runs: values.length,
  };
}

/** Latency percentiles for event-style measurements. */
export interface Latencies {
  p50: number;
  p99: number;
  max: number;
  samples: number;
}

export function latencies(values: readonly number[]): Latencies {
  return {
    p50: quantile(values, 0.5),
    p99: quantile(values, 0.99),
    max: values.length ? values.reduce((a, b) => Math.max(a, b)) : Number.NaN,
    samples: values.length,
  };
}

/** Rounds for reports: 3 significant digits below 100, integers above. */
export function round(value: number): number {
  if (!Number.isFinite(value)) return value;
  if (Math.abs(value) >= 100) return Math.round(value);
  return Number(value.toPrecision(3));
}
