/** Nearest-rank percentile (p in 0–100) of samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export interface Percentiles {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
}

export function percentiles(samples: readonly number[]): Percentiles {
  const mean = samples.reduce((s, x) => s + x, 0) / (samples.length || 1);
  return { n: samples.length, p50: percentile(samples, 50), p95: percentile(samples, 95), p99: percentile(samples, 99), mean };
}

/** keyflow ÷ baseline, rounded for reading. */
export const ratio = (keyflow: number, baseline: number): number => (baseline === 0 ? NaN : keyflow / baseline);

export const round = (x: number, digits = 2): number => Number(x.toFixed(digits));

export const mib = (bytes: number): number => bytes / (1024 * 1024);
