import type { WarningLevel } from '../../schemas/lifecycle';

/**
 * The pro-rata share of the annual plan expected by the end of `month` (YYYY-MM):
 * March → 3/12. The yardstick is the annual planned investment completion rate (年度计划投资完成率).
 */
export function expectedRate(month: string): number {
  const m = Number(month.slice(5, 7));
  return m / 12;
}

/** Cumulative investment this year ÷ annual plan; a zero plan counts as fully met. */
export function completionRate(investmentToDate: number, annualPlan: number): number {
  if (annualPlan <= 0) return 1;
  return investmentToDate / annualPlan;
}

/**
 * Traffic light (红黄绿灯): green on plan; yellow more than `yellowBehindPoints` percentage points
 * behind the pro-rata plan; red beyond `redBehindPoints`, or whenever the project is stalled.
 */
export function warningLevel(args: {
  completionRate: number;
  expectedRate: number;
  stalled: boolean;
  yellowBehindPoints: number;
  redBehindPoints: number;
}): WarningLevel {
  if (args.stalled) return 'red';
  const behind = (args.expectedRate - args.completionRate) * 100;
  // Compare with a little tolerance so 10.000000001 points from float noise is not "more than 10".
  if (behind > args.redBehindPoints + 1e-9) return 'red';
  if (behind > args.yellowBehindPoints + 1e-9) return 'yellow';
  return 'green';
}
