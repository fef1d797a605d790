import { YearMonth } from '../schemas/common';
import {
  METRICS,
  MetricId,
  type CountyCheckResult,
  type CountyMetrics,
  type FourCompareConfig,
  type FourCompareResult,
  type PairScore,
  type PairSnapshot,
  type ProjectFacts,
} from '../schemas/fourCompare';
import type { County } from '../schemas/reference';
import { TIE_RULE, rankByScore, rankWithinGroups, round2 } from './ranking';

/**
 * 四比四看 check: scores every county on the configured pairs and ranks them.
 *
 * For each metric m used by a pair:
 * 1. value v(c) per county from its project facts (definitions at MetricId in schemas/fourCompare.ts);
 *    v(c) is null when the county has no project the metric applies to.
 * 2. capped value v'(c) = min(v(c), 1) for `rate` metrics (a county 120 % on plan is as good as
 *    100 %), v'(c) = v(c) for counts, amounts and percents.
 * 3. best = max over counties of v'(c), nulls ignored.
 * 4. score s(c) = v'(c) ÷ best, in 0–1; s(c) = 0 when v(c) is null (no relevant projects — stated,
 *    not estimated) or when best ≤ 0 (no county achieved anything).
 *
 * Pair points = pairMax × (k × s_compare + (1 − k) × s_look), rounded to 2 decimals, where
 * pairMax = maxPoints × weight ÷ 100 and k = the pair's compareShare (else the config's).
 * Total = Σ rounded pair points, rounded to 2 decimals, so the published parts add up.
 * Rank overall and within the peer group (the county's kind) follow domain/ranking.ts TIE_RULE.
 * rankChange = previous rank − rank (positive = moved up), null when the previous check is absent
 * or has no line for the county. A previous check without data (hasData false) is no basis: rank
 * changes are measured against the latest earlier check that had data, which the caller passes.
 *
 * A period without any project facts (no key project applied to it) is published as no data
 * (无数据): `noData: true`, no county lines — no rank 1 for everyone, no scores of 0 pretending to
 * be results.
 *
 * Inputs are expected to have been parsed with their schemas. Pure: no I/O, no clock.
 */
export function runFourCompare(
  config: FourCompareConfig,
  counties: readonly County[],
  facts: readonly ProjectFacts[],
  period: string,
  previous?: FourCompareResult,
): FourCompareResult {
  if (!YearMonth.safeParse(period).success) throw new InvalidCheckPeriod(period);
  if (previous && !(previous.period < period)) throw new PreviousCheckNotEarlier(period, previous.period);
  const basis = previous && hasData(previous) ? previous : undefined;

  const byCounty = new Map<string, ProjectFacts[]>();
  for (const c of counties) {
    if (byCounty.has(c.id)) throw new DuplicateCounty(c.id);
    byCounty.set(c.id, []);
  }
  const codes = new Set<string>();
  for (const f of facts) {
    if (codes.has(f.code)) throw new DuplicateProjectFacts(f.code);
    codes.add(f.code);
    const list = byCounty.get(f.county);
    if (!list) throw new UnknownCounty(f.county, f.code);
    list.push(f);
  }

  const pairs: PairSnapshot[] = config.pairs.map((p) => ({
    id: p.id,
    name: p.name,
    nameEn: p.nameEn,
    compare: p.compare,
    look: p.look,
    weight: p.weight,
    compareShare: p.compareShare ?? config.compareShare,
    maxPoints: (config.maxPoints * p.weight) / 100,
  }));

  if (facts.length === 0) {
    return { period, maxPoints: config.maxPoints, pairs, noData: true, previousPeriod: null, tieRule: TIE_RULE, counties: [] };
  }

  const used: MetricId[] = [];
  for (const p of pairs) for (const m of [p.compare, p.look]) if (!used.includes(m)) used.push(m);

  const values = new Map<string, Map<MetricId, number | null>>();
  for (const c of counties) {
    const list = byCounty.get(c.id) ?? [];
    values.set(c.id, new Map(ALL_METRICS.map((m) => [m, metricValue(m, list)])));
  }
  const scores = new Map<MetricId, Map<string, number>>();
  for (const m of used) {
    const capped = new Map<string, number | null>();
    for (const c of counties) capped.set(c.id, capValue(m, values.get(c.id)?.get(m) ?? null));
    scores.set(m, normalise(capped));
  }

  const lines = counties.map((c) => {
    const v = values.get(c.id) ?? new Map<MetricId, number | null>();
    const metricScore = (m: MetricId) => ({ metric: m, value: v.get(m) ?? null, score: scores.get(m)?.get(c.id) ?? 0 });
    const pairScores: PairScore[] = pairs.map((p) => {
      const compare = metricScore(p.compare);
      const look = metricScore(p.look);
      const points = round2(p.maxPoints * (p.compareShare * compare.score + (1 - p.compareShare) * look.score));
      return { pairId: p.id, compare, look, points };
    });
    return {
      county: c,
      metrics: Object.fromEntries(ALL_METRICS.map((m) => [m, v.get(m) ?? null])) as CountyMetrics,
      pairs: pairScores,
      total: round2(pairScores.reduce((s, p) => s + p.points, 0)),
      projectCount: byCounty.get(c.id)?.length ?? 0,
    };
  });

  const idOf = (l: (typeof lines)[number]) => l.county.id;
  const totalOf = (l: (typeof lines)[number]) => l.total;
  const peerRanks = rankWithinGroups(lines, (l) => l.county.kind, idOf, totalOf);
  const prevLines = new Map((basis?.counties ?? []).map((l) => [l.county, l]));

  const ranked: CountyCheckResult[] = rankByScore(lines, idOf, totalOf).map(({ item: l, rank }) => {
    const peerRank = peerRanks.get(l.county.id) ?? 1;
    const prev = prevLines.get(l.county.id);
    return {
      county: l.county.id,
      name: l.county.name,
      kind: l.county.kind,
      projectCount: l.projectCount,
      metrics: l.metrics,
      pairs: l.pairs,
      total: l.total,
      rank,
      peerRank,
      rankChange: prev ? prev.rank - rank : null,
      peerRankChange: prev && prev.kind === l.county.kind ? prev.peerRank - peerRank : null,
    };
  });

  return {
    period,
    maxPoints: config.maxPoints,
    pairs,
    noData: false,
    previousPeriod: basis?.period ?? null,
    tieRule: TIE_RULE,
    counties: ranked,
  };
}

/** Every metric keyflow implements, in MetricId order: a county line carries them all. */
const ALL_METRICS: readonly MetricId[] = MetricId.options;

/**
 * Whether a published check ranked anything: false for a no-data check (无数据), and for a check
 * recorded before `noData` existed in which no county had a project (such a check ranked every
 * county 1st on nothing, and must not be the basis of rank changes).
 */
export function hasData(result: { noData?: boolean; counties: ReadonlyArray<{ projectCount: number }> }): boolean {
  return result.noData !== true && result.counties.some((c) => c.projectCount > 0);
}

/** Stages whose physical progress counts in physicalProgressAvg: projects being built now. */
const IN_CONSTRUCTION = new Set<string>(['started', 'underConstruction']);

/** A metric's raw value for one county's projects; see MetricId for the definitions. */
export function metricValue(metric: MetricId, projects: readonly ProjectFacts[]): number | null {
  const count = (pred: (f: ProjectFacts) => boolean) => projects.filter(pred).length;
  const sum = (get: (f: ProjectFacts) => number) => projects.reduce((s, f) => s + get(f), 0);
  const ratio = (num: number, den: number) => (den > 0 ? num / den : null);
  switch (metric) {
    case 'signedCount':
      return count((f) => f.signed);
    case 'landedCount':
      return count((f) => f.landed);
    case 'landingRate':
      return ratio(count((f) => f.landed), count((f) => f.signed));
    case 'startedCount':
      return count((f) => f.startedThisYear);
    case 'startRate':
      return ratio(count((f) => f.plannedStartThisYear && f.startedThisYear), count((f) => f.plannedStartThisYear));
    case 'physicalProgressAvg': {
      const building = projects.filter((f) => IN_CONSTRUCTION.has(f.stage));
      return ratio(building.reduce((s, f) => s + f.physicalProgress, 0), building.length);
    }
    case 'investmentCompleted':
      return sum((f) => f.investmentCompletedThisYear);
    case 'investmentCompletionRate':
      return ratio(sum((f) => f.investmentCompletedThisYear), sum((f) => f.annualPlannedInvestment));
    case 'fundsInPlaceRate':
      return ratio(sum((f) => f.fundsInPlace), sum((f) => f.annualPlannedInvestment));
    case 'onTimeApprovalRate':
      return ratio(sum((f) => f.approvalTasksOnTime), sum((f) => f.approvalTasksClosed));
    case 'approvalSpeed': {
      const allowed = sum((f) => f.approvalWorkingDaysAllowed);
      if (sum((f) => f.approvalTasksClosed) === 0 || allowed <= 0) return null;
      return Math.min(1, Math.max(0, 1 - sum((f) => f.approvalWorkingDaysUsed) / allowed));
    }
  }
}

function capValue(metric: MetricId, v: number | null): number | null {
  if (v === null) return null;
  return METRICS[metric].kind === 'rate' ? Math.min(v, 1) : v;
}

function normalise(capped: Map<string, number | null>): Map<string, number> {
  let best = 0;
  for (const v of capped.values()) if (v !== null && v > best) best = v;
  const out = new Map<string, number>();
  for (const [id, v] of capped) out.set(id, v === null || best <= 0 ? 0 : Math.min(1, Math.max(0, v / best)));
  return out;
}

export class InvalidCheckPeriod extends Error {
  override readonly name = 'InvalidCheckPeriod';
  constructor(readonly period: string) {
    super(`check period ${JSON.stringify(period)} must be a month written YYYY-MM`);
  }
}

export class PreviousCheckNotEarlier extends Error {
  override readonly name = 'PreviousCheckNotEarlier';
  constructor(readonly period: string, readonly previousPeriod: string) {
    super(`the previous check (${previousPeriod}) must be for a month before this check (${period})`);
  }
}

export class DuplicateCounty extends Error {
  override readonly name = 'DuplicateCounty';
  constructor(readonly county: string) {
    super(`county ${county} is listed twice; list each county, district or functional zone once`);
  }
}

export class DuplicateProjectFacts extends Error {
  override readonly name = 'DuplicateProjectFacts';
  constructor(readonly code: string) {
    super(`project ${code} has two sets of facts; supply one per project`);
  }
}

export class UnknownCounty extends Error {
  override readonly name = 'UnknownCounty';
  constructor(readonly county: string, readonly code: string) {
    super(`project ${code} belongs to county ${county}, which is not among the counties being checked`);
  }
}
