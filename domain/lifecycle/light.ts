import type { ProjectState, WarningChange } from '../../schemas/lifecycle';
import { REPORTING_STAGES } from './stages';
import type { Draft } from './state';
import { completionRate, expectedRate, warningLevel } from './warning';

/**
 * The annual plan a month's investment is measured against: the last one set for its year; for
 * an earlier year, the figure that stood before the first later plan replaced it.
 */
export function planFor(state: Pick<ProjectState, 'annualPlans' | 'project'>, month: string): number {
  const year = Number(month.slice(0, 4));
  const set = state.annualPlans.filter((p) => p.year === year);
  if (set.length > 0) return set[set.length - 1]!.annualPlannedInvestment;
  const later = state.annualPlans.find((p) => p.year > year);
  return later ? later.previous : state.project.annualPlannedInvestment;
}

/**
 * The warning light (红黄绿灯) again after a change: measured on the latest month reported (also
 * when December is reported in January); a change of colour is kept and published.
 */
export function recomputeWarning(d: Draft): void {
  const s = d.state;
  const latest = s.reports[s.reports.length - 1];
  const inInvestment = REPORTING_STAGES.includes(s.stage);
  const rate = latest ? completionRate(latest.investmentToDate, planFor(s, latest.month)) : 0;
  const expected = latest && inInvestment ? expectedRate(latest.month) : 0;
  const level =
    inInvestment || s.stall
      ? warningLevel({
          completionRate: rate,
          expectedRate: expected,
          stalled: s.stall !== null,
          yellowBehindPoints: d.config.warning.yellowBehindPoints,
          redBehindPoints: d.config.warning.redBehindPoints,
        })
      : 'green';
  const previous = s.warning.level;
  const change: WarningChange = { level, at: d.at, completionRate: rate, expectedRate: expected };
  s.warning = change;
  if (level !== previous) {
    s.warningHistory = [...s.warningHistory, change];
    d.emit({
      type: 'cn.keyflow.project.warningChanged',
      key: d.nextKey('warning'),
      data: { from: previous, to: level, completionRate: rate, expectedRate: expected, county: s.project.county },
    });
  }
}
