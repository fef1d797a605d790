import {
  DuplicateProjectFacts,
  InvalidCheckPeriod,
  PreviousCheckNotEarlier,
  UnknownCounty,
  hasData,
  runFourCompare,
} from '../../domain/fourCompare';
import { TIE_RULE, rankByScore, rankWithinGroups, round2 } from '../../domain/ranking';
import { FourCompareConfig, FourCompareResult, ProjectFacts, type CountyCheckResult } from '../../schemas/fourCompare';
import type { County } from '../../schemas/reference';
import { InvalidRankingConfig, loadFourCompareConfig } from '../../seeds/rankingConfig';

/**
 * Hand-built fixture: five counties, ten projects (check of 2024-03).
 * Default config: four pairs of weight 25 (= 25 points each), compareShare 0.5, so
 * pair points = 25 × (0.5·s_compare + 0.5·s_look) = 12.5 × (s_compare + s_look).
 */
const counties: County[] = [
  { id: '411102', name: '源汇区', nameEn: 'Yuanhui District', kind: 'district', divisionCode: '411102' },
  { id: '411103', name: '郾城区', nameEn: 'Yancheng District', kind: 'district', divisionCode: '411103' },
  { id: '411121', name: '舞阳县', nameEn: 'Wuyang County', kind: 'county', divisionCode: '411121' },
  { id: '411122', name: '临颍县', nameEn: 'Linying County', kind: 'county', divisionCode: '411122' },
  { id: 'etdz', name: '经济技术开发区', nameEn: 'Economic and Technological Development Zone', kind: 'functional-zone' },
];

const base: Omit<ProjectFacts, 'code' | 'county'> = {
  stage: 'underConstruction',
  signed: false,
  landed: false,
  plannedStartThisYear: false,
  startedThisYear: false,
  physicalProgress: 0,
  annualPlannedInvestment: 0,
  investmentCompletedThisYear: 0,
  fundsInPlace: 0,
  approvalTasksClosed: 0,
  approvalTasksOnTime: 0,
  approvalWorkingDaysUsed: 0,
  approvalWorkingDaysAllowed: 0,
};

function fact(code: string, county: string, over: Partial<ProjectFacts>): ProjectFacts {
  return ProjectFacts.parse({ ...base, code, county, ...over });
}

// Approvals written as [closed, onTime, used, allowed].
function approvals(closed: number, onTime: number, used: number, allowed: number): Partial<ProjectFacts> {
  return {
    approvalTasksClosed: closed,
    approvalTasksOnTime: onTime,
    approvalWorkingDaysUsed: used,
    approvalWorkingDaysAllowed: allowed,
  };
}

const march: ProjectFacts[] = [
  // 源汇区 411102 (A)
  fact('2024-411102-13-03-000001', '411102', {
    signed: true, landed: true, stage: 'underConstruction', plannedStartThisYear: true, startedThisYear: true,
    physicalProgress: 30, annualPlannedInvestment: 4000, investmentCompletedThisYear: 2500, fundsInPlace: 3000, ...approvals(4, 4, 20, 40),
  }),
  fact('2024-411102-13-03-000002', '411102', {
    signed: true, landed: false, stage: 'preliminary', plannedStartThisYear: true, startedThisYear: false,
    physicalProgress: 0, annualPlannedInvestment: 2000, investmentCompletedThisYear: 500, fundsInPlace: 1000, ...approvals(3, 2, 20, 30),
  }),
  fact('2023-411102-26-03-000003', '411102', {
    stage: 'underConstruction', physicalProgress: 50,
    annualPlannedInvestment: 4000, investmentCompletedThisYear: 3000, fundsInPlace: 4000, ...approvals(3, 3, 20, 30),
  }),
  // 郾城区 411103 (B)
  fact('2024-411103-13-03-000004', '411103', {
    signed: true, landed: true, stage: 'underConstruction', plannedStartThisYear: true, startedThisYear: true,
    physicalProgress: 50, annualPlannedInvestment: 8000, investmentCompletedThisYear: 3000, fundsInPlace: 4000, ...approvals(3, 3, 30, 30),
  }),
  fact('2024-411103-34-03-000005', '411103', {
    signed: true, landed: true, stage: 'underConstruction', plannedStartThisYear: true, startedThisYear: true,
    physicalProgress: 70, annualPlannedInvestment: 6000, investmentCompletedThisYear: 3000, fundsInPlace: 3000, ...approvals(3, 3, 30, 35),
  }),
  fact('2024-411103-14-03-000006', '411103', {
    signed: true, landed: true, stage: 'inProduction', physicalProgress: 100,
    annualPlannedInvestment: 6000, investmentCompletedThisYear: 3000, fundsInPlace: 3000, ...approvals(2, 2, 30, 35),
  }),
  // 舞阳县 411121 (C)
  fact('2024-411121-26-02-000007', '411121', {
    signed: true, landed: true, stage: 'underConstruction', plannedStartThisYear: true, startedThisYear: true,
    physicalProgress: 80, annualPlannedInvestment: 3000, investmentCompletedThisYear: 4000, fundsInPlace: 2500, ...approvals(2, 1, 20, 50),
  }),
  fact('2022-411121-26-03-000008', '411121', {
    stage: 'completed', physicalProgress: 100,
    annualPlannedInvestment: 2000, investmentCompletedThisYear: 2000, fundsInPlace: 1500, ...approvals(2, 1, 20, 50),
  }),
  // 临颍县 411122 (D)
  fact('2024-411122-15-03-000009', '411122', {
    stage: 'preliminary', plannedStartThisYear: true, startedThisYear: false,
    physicalProgress: 0, annualPlannedInvestment: 3000, investmentCompletedThisYear: 1000, fundsInPlace: 4000, ...approvals(2, 2, 30, 40),
  }),
  fact('2023-411122-21-03-000010', '411122', {
    stage: 'underConstruction', physicalProgress: 50,
    annualPlannedInvestment: 5000, investmentCompletedThisYear: 5000, fundsInPlace: 6000, ...approvals(3, 2, 50, 60),
  }),
  // 经济技术开发区 etdz (E): no projects this month.
];

/*
 * Metric values by hand (A=411102, B=411103, C=411121, D=411122, E=etdz):
 *                        A            B             C              D             E
 * signedCount            2            3             1              0             0
 * landingRate            1/2 = .5     3/3 = 1       1/1 = 1        null (0 signed) null
 * startRate              1/2 = .5     2/2 = 1       1/1 = 1        0/1 = 0       null
 * physicalProgressAvg    (30+50)/2=40 (50+70)/2=60  80             50            null   (building projects only)
 * investmentCompl.Rate   6000/10000=.6 9000/20000=.45 6000/5000=1.2→cap 1 6000/8000=.75 null
 * fundsInPlaceRate       8000/10000=.8 10000/20000=.5 4000/5000=.8  10000/8000=1.25→cap 1 null
 * onTimeApprovalRate     9/10 = .9    8/8 = 1       2/4 = .5       4/5 = .8      null
 * approvalSpeed          1−60/100=.4  1−90/100=.1   1−40/100=.6    1−80/100=.2   null
 *
 * Scores = capped value ÷ best (bests: 3, 1, 1, 80, 1, 1, 1, .6):
 * sign-land        A 12.5(2/3+.5)=14.5833→14.58  B 12.5(1+1)=25      C 12.5(1/3+1)=16.6667→16.67  D 0       E 0
 * start-progress   A 12.5(.5+.5)=12.50           B 12.5(1+.75)=21.875→21.88  C 12.5(1+1)=25  D 12.5(0+.625)=7.8125→7.81  E 0
 * invest-funds     A 12.5(.6+.8)=17.50           B 12.5(.45+.5)=11.875→11.88 C 12.5(1+.8)=22.5 D 12.5(.75+1)=21.875→21.88 E 0
 * service-env.     A 12.5(.9+2/3)=19.5833→19.58  B 12.5(1+1/6)=14.5833→14.58 C 12.5(.5+1)=18.75 D 12.5(.8+1/3)=14.1667→14.17 E 0
 * total            A 64.16   B 73.34   C 82.92   D 43.86   E 0
 * rank             C 1, B 2, A 3, D 4, E 5; peers: districts B 1 A 2; counties C 1 D 2; zone E 1.
 */

/** April: D starts its planned project (progress 10) and lands a newly signed project D3. */
const april: ProjectFacts[] = march.map((f) =>
  f.code === '2024-411122-15-03-000009' ? { ...f, stage: 'started', startedThisYear: true, physicalProgress: 10 } : f,
);
april.push(
  fact('2024-411122-39-03-000011', '411122', {
    signed: true, landed: true, stage: 'started', startedThisYear: true, physicalProgress: 30,
  }),
);
/*
 * April, D only changes (no best changes: signedCount 3, progress 80 stay the bests):
 *   signedCount 1 → 1/3; landingRate 1/1 = 1 → sign-land 12.5(1/3+1) = 16.6667 → 16.67
 *   startRate 1/1 = 1 (D3 was not planned); progress (10+50+30)/3 = 30 → 30/80 = .375
 *     → start-progress 12.5(1+.375) = 17.1875 → 17.19
 *   invest-funds 21.88 and service-env. 14.17 unchanged (D3 has no plan and no approvals)
 *   total 16.67 + 17.19 + 21.88 + 14.17 = 69.91
 * Ranks: C 82.92 (1, ±0), B 73.34 (2, ±0), D 69.91 (3, +1), A 64.16 (4, −1), E 0 (5, ±0).
 */

/** May: the development zone reports its first project, a strong one. */
const may: ProjectFacts[] = [
  ...april,
  fact('2024-411171-13-03-000012', 'etdz', {
    signed: true, landed: true, stage: 'underConstruction', plannedStartThisYear: true, startedThisYear: true,
    physicalProgress: 80, annualPlannedInvestment: 5000, investmentCompletedThisYear: 5000, fundsInPlace: 5000, ...approvals(2, 2, 10, 25),
  }),
];
/*
 * May, E: signedCount 1 → 1/3, landing 1, start 1, progress 80 (= best), investment 1, funds 1,
 * on time 2/2 = 1, speed 1 − 10/25 = .6 (= best). No best changes, other counties unchanged.
 *   sign-land 12.5(1/3+1) = 16.67; the other three pairs 12.5 × 2 = 25 each → total 91.67
 * Ranks: E 1 (+4), C 2 (−1), B 3 (−1), D 4 (−1), A 5 (−1).
 */

const config = loadFourCompareConfig();

function line(r: FourCompareResult, county: string): CountyCheckResult {
  const l = r.counties.find((c) => c.county === county);
  if (!l) throw new Error(`no line for ${county}`);
  return l;
}

function points(r: FourCompareResult, county: string): number[] {
  return line(r, county).pairs.map((p) => p.points);
}

describe('four compare, four look (四比四看)', () => {
  it('loads the default pairs from seeds/four-compare.json', () => {
    expect(config.pairs.map((p) => p.name)).toEqual(['比签约看落地', '比开工看进度', '比投资看到位', '比服务看环境']);
    expect(config.pairs.map((p) => p.weight)).toEqual([25, 25, 25, 25]);
    expect(config.maxPoints).toBe(100);
    expect(config.compareShare).toBe(0.5);
  });

  const r1 = runFourCompare(config, counties, march, '2024-03');

  // Every metric, also those no configured pair uses (landedCount, startedCount, investmentCompleted):
  // the published line carries them all, as schemas/fourCompare.ts CountyMetrics requires.
  it('computes each metric value by hand', () => {
    expect(line(r1, '411102').metrics).toEqual({
      signedCount: 2, landedCount: 1, startedCount: 1, investmentCompleted: 6000, landingRate: 0.5, startRate: 0.5, physicalProgressAvg: 40,
      investmentCompletionRate: 0.6, fundsInPlaceRate: 0.8, onTimeApprovalRate: 0.9, approvalSpeed: expect.closeTo(0.4, 10),
    });
    expect(line(r1, '411103').metrics).toEqual({
      signedCount: 3, landedCount: 3, startedCount: 2, investmentCompleted: 9000, landingRate: 1, startRate: 1, physicalProgressAvg: 60,
      investmentCompletionRate: 0.45, fundsInPlaceRate: 0.5, onTimeApprovalRate: 1, approvalSpeed: expect.closeTo(0.1, 10),
    });
    expect(line(r1, '411121').metrics).toEqual({
      signedCount: 1, landedCount: 1, startedCount: 1, investmentCompleted: 6000, landingRate: 1, startRate: 1, physicalProgressAvg: 80,
      investmentCompletionRate: 1.2, fundsInPlaceRate: 0.8, onTimeApprovalRate: 0.5, approvalSpeed: expect.closeTo(0.6, 10),
    });
    expect(line(r1, '411122').metrics).toEqual({
      signedCount: 0, landedCount: 0, startedCount: 0, investmentCompleted: 6000, landingRate: null, startRate: 0, physicalProgressAvg: 50,
      investmentCompletionRate: 0.75, fundsInPlaceRate: 1.25, onTimeApprovalRate: 0.8, approvalSpeed: expect.closeTo(0.2, 10),
    });
    // A county with no projects: counts and amounts are 0, every other metric null; all score 0.
    expect(line(r1, 'etdz').metrics).toEqual({
      signedCount: 0, landedCount: 0, startedCount: 0, investmentCompleted: 0, landingRate: null, startRate: null, physicalProgressAvg: null,
      investmentCompletionRate: null, fundsInPlaceRate: null, onTimeApprovalRate: null, approvalSpeed: null,
    });
    expect(line(r1, 'etdz').projectCount).toBe(0);
  });

  it('normalises against the best county, capping rates at 1', () => {
    const c = line(r1, '411121').pairs.find((p) => p.pairId === 'invest-funds');
    // 1.2 capped to 1 = best → score 1; funds .8 / best 1 (D's 1.25 capped) = .8
    expect(c?.compare.score).toBe(1);
    expect(c?.look.score).toBeCloseTo(0.8, 10);
    const a = line(r1, '411102').pairs.find((p) => p.pairId === 'sign-land');
    expect(a?.compare.score).toBeCloseTo(2 / 3, 10); // 2 signed / best 3
    const d = line(r1, '411122').pairs.find((p) => p.pairId === 'sign-land');
    expect(d?.look).toEqual({ metric: 'landingRate', value: null, score: 0 }); // no signed project → 0
  });

  it('scores each pair, totals and ranks as computed by hand (March)', () => {
    expect(points(r1, '411102')).toEqual([14.58, 12.5, 17.5, 19.58]);
    expect(points(r1, '411103')).toEqual([25, 21.88, 11.88, 14.58]);
    expect(points(r1, '411121')).toEqual([16.67, 25, 22.5, 18.75]);
    expect(points(r1, '411122')).toEqual([0, 7.81, 21.88, 14.17]);
    expect(points(r1, 'etdz')).toEqual([0, 0, 0, 0]);
    expect(r1.counties.map((l) => [l.county, l.total, l.rank, l.peerRank, l.rankChange])).toEqual([
      ['411121', 82.92, 1, 1, null],
      ['411103', 73.34, 2, 1, null],
      ['411102', 64.16, 3, 2, null],
      ['411122', 43.86, 4, 2, null],
      ['etdz', 0, 5, 1, null],
    ]);
    expect(r1.period).toBe('2024-03');
    expect(r1.previousPeriod).toBeNull();
    expect(r1.tieRule).toBe(TIE_RULE);
    expect(r1.pairs.map((p) => p.maxPoints)).toEqual([25, 25, 25, 25]);
    expect(FourCompareResult.safeParse(r1).success).toBe(true);
  });

  it('follows rank changes over three successive checks', () => {
    const r2 = runFourCompare(config, counties, april, '2024-04', r1);
    expect(points(r2, '411122')).toEqual([16.67, 17.19, 21.88, 14.17]);
    expect(r2.counties.map((l) => [l.county, l.total, l.rank, l.rankChange, l.peerRank, l.peerRankChange])).toEqual([
      ['411121', 82.92, 1, 0, 1, 0],
      ['411103', 73.34, 2, 0, 1, 0],
      ['411122', 69.91, 3, 1, 2, 0],
      ['411102', 64.16, 4, -1, 2, 0],
      ['etdz', 0, 5, 0, 1, 0],
    ]);
    expect(r2.previousPeriod).toBe('2024-03');

    const r3 = runFourCompare(config, counties, may, '2024-05', r2);
    expect(points(r3, 'etdz')).toEqual([16.67, 25, 25, 25]);
    expect(r3.counties.map((l) => [l.county, l.total, l.rank, l.rankChange])).toEqual([
      ['etdz', 91.67, 1, 4],
      ['411121', 82.92, 2, -1],
      ['411103', 73.34, 3, -1],
      ['411122', 69.91, 4, -1],
      ['411102', 64.16, 5, -1],
    ]);
    // Peer ranks do not move: the zone is alone in its group.
    expect(r3.counties.map((l) => l.peerRankChange)).toEqual([0, 0, 0, 0, 0]);
  });

  it('breaks ties by the stated rule: shared rank, listed by county id, next rank skipped', () => {
    const tied: County[] = [
      { id: '411104', name: '召陵区', nameEn: 'Shaoling District', kind: 'district' },
      { id: '411103', name: '郾城区', nameEn: 'Yancheng District', kind: 'district' },
      { id: '411121', name: '舞阳县', nameEn: 'Wuyang County', kind: 'county' },
    ];
    const same: Partial<ProjectFacts> = {
      signed: true, landed: true, plannedStartThisYear: true, startedThisYear: true, physicalProgress: 60,
      annualPlannedInvestment: 1000, investmentCompletedThisYear: 500, fundsInPlace: 800, ...approvals(2, 2, 10, 20),
    };
    const facts = [
      fact('2024-411104-13-03-000001', '411104', same),
      fact('2024-411103-13-03-000002', '411103', same),
      fact('2024-411121-13-03-000003', '411121', {
        plannedStartThisYear: true, startedThisYear: true, physicalProgress: 30,
        annualPlannedInvestment: 1000, investmentCompletedThisYear: 250, fundsInPlace: 400, ...approvals(2, 1, 15, 20),
      }),
    ];
    // The two districts are the best on every metric → 4 × 25 = 100 each.
    // 411121: sign-land 0 (no signing); start-progress 12.5(1 + 30/60) = 18.75;
    // invest-funds 12.5(.25/.5 + .4/.8) = 12.5; service 12.5(.5/1 + .25/.5) = 12.5 → 43.75.
    const r = runFourCompare(config, tied, facts, '2024-06');
    expect(r.counties.map((l) => [l.county, l.total, l.rank, l.peerRank])).toEqual([
      ['411103', 100, 1, 1],
      ['411104', 100, 1, 1],
      ['411121', 43.75, 3, 1],
    ]);

    // Other weights and compareShare: weights 40/20/20/20, compareShare .7.
    // 411121: 40 × 0 = 0; 20(.7·1 + .3·.5) = 17; 20(.7·.5 + .3·.5) = 10; 20(.7·.5 + .3·.5) = 10 → 37.
    const weighted = FourCompareConfig.parse({
      ...config,
      compareShare: 0.7,
      pairs: config.pairs.map((p, i) => ({ ...p, weight: i === 0 ? 40 : 20 })),
    });
    const w = runFourCompare(weighted, tied, facts, '2024-06');
    expect(w.counties.map((l) => [l.county, l.total])).toEqual([['411103', 100], ['411104', 100], ['411121', 37]]);
    expect(points(w, '411121')).toEqual([0, 17, 10, 10]);
  });

  it('refuses bad inputs with named errors', () => {
    expect(() => runFourCompare(config, counties, march, '2024-3')).toThrow(InvalidCheckPeriod);
    expect(() => runFourCompare(config, counties, march, '2024-03', r1)).toThrow(PreviousCheckNotEarlier);
    expect(() => runFourCompare(config, counties.slice(0, 2), march, '2024-03')).toThrow(UnknownCounty);
    const first = march[0];
    if (!first) throw new Error('fixture');
    expect(() => runFourCompare(config, counties, [...march, first], '2024-03')).toThrow(DuplicateProjectFacts);
  });
});

describe('a month without data (无数据)', () => {
  const r1 = runFourCompare(config, counties, march, '2024-03');
  const empty = runFourCompare(config, counties, [], '2024-04', r1);

  it('is published as no data: no county lines, no ranks, no scores, no basis', () => {
    expect(empty).toEqual({ period: '2024-04', maxPoints: 100, pairs: r1.pairs, noData: true, previousPeriod: null, tieRule: TIE_RULE, counties: [] });
    expect(FourCompareResult.safeParse(empty).success).toBe(true);
    expect(hasData(empty)).toBe(false);
    expect(hasData(r1)).toBe(true);
    expect(r1.noData).toBe(false);
  });

  it('is no basis for rank changes: the next check compares with the latest check that had data', () => {
    // Passed a no-data check as "previous", the domain measures nothing against it.
    const afterEmpty = runFourCompare(config, counties, april, '2024-05', empty);
    expect(afterEmpty.previousPeriod).toBeNull();
    expect(afterEmpty.counties.every((l) => l.rankChange === null && l.peerRankChange === null)).toBe(true);
    // Given the last check with data (what the registry answers), changes are against March.
    const vsMarch = runFourCompare(config, counties, april, '2024-05', r1);
    expect(vsMarch.previousPeriod).toBe('2024-03');
    expect(vsMarch.counties.map((l) => [l.county, l.rankChange])).toEqual([['411121', 0], ['411103', 0], ['411122', 1], ['411102', -1], ['etdz', 0]]);
  });

  it('treats a check recorded before the flag, with no project anywhere, as no data (it ranked every county 1st)', () => {
    const legacy = { ...r1, counties: r1.counties.map((l) => ({ ...l, projectCount: 0, total: 0, rank: 1 })) } as Omit<FourCompareResult, 'noData'> & { noData?: boolean };
    delete legacy.noData;
    expect(hasData(legacy)).toBe(false);
  });

  it('gives a county absent from the basis no change (null), not a fake one', () => {
    const without = runFourCompare(config, counties.filter((c) => c.id !== 'etdz'), march, '2024-03');
    const next = runFourCompare(config, counties, may, '2024-05', without);
    expect(next.counties.find((l) => l.county === 'etdz')).toMatchObject({ rank: 1, rankChange: null, peerRankChange: null });
    expect(next.counties.find((l) => l.county === '411121')).toMatchObject({ rank: 2, rankChange: -1 });
  });
});

describe('four-compare configuration and facts', () => {
  it('requires weights adding up to 100, distinct pair ids and known metrics', () => {
    const pair = (id: string, look: string, weight: number) => ({
      id, name: '比签约看落地', nameEn: 'Sign / land', compare: 'signedCount', look, weight,
    });
    const issuesOf = (raw: unknown): string[] => {
      try {
        loadFourCompareConfig(raw);
      } catch (e) {
        expect(e).toBeInstanceOf(InvalidRankingConfig);
        return (e as InvalidRankingConfig).issues;
      }
      throw new Error('should have been refused');
    };
    expect(issuesOf({ pairs: [pair('a', 'landingRate', 50), pair('a', 'landingRate', 40)] })).toEqual([
      'pairs.1.id: pair id a is used twice',
      "pairs: weights must add up to 100 (they add up to 90); each weight is the pair's percent of maxPoints",
    ]);
    expect(issuesOf({ pairs: [pair('a', 'speedOfLight', 100)] })[0]).toMatch(/^pairs\.0\.look: Invalid enum value/);
    expect(issuesOf({ pairs: [pair('a', 'signedCount', 100)] })).toEqual(['pairs.0.look: must name a different metric than compare']);
    expect(issuesOf({ pairs: [pair('a', 'landingRate', 0)] })).toEqual([
      'pairs.0.weight: must be more than 0',
      "pairs: weights must add up to 100 (they add up to 0); each weight is the pair's percent of maxPoints",
    ]);
  });

  it('refuses inconsistent landing facts', () => {
    const r = ProjectFacts.safeParse({ ...base, code: '2024-411102-13-03-000001', county: '411102', landed: true, stage: 'preliminary' });
    expect(r.success).toBe(false);
    const messages = r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(messages).toEqual([
      'landed: only a signed project can have landed — set signed or clear landed',
      'landed: a landed project must be started or later (started, underConstruction, completed, inProduction), not preliminary',
    ]);
  });
});

describe('shared ranking rule', () => {
  const rows = [
    { id: 'b', score: 80.004 },
    { id: 'a', score: 80.001 }, // equal to b at 2 decimals → tied
    { id: 'c', score: 90 },
    { id: 'd', score: 80.006 }, // 80.01 > 80.00 → not tied
    { id: 'e', score: 70 },
  ];

  it('uses competition ranking 1,2,3,3,5 with ties listed by id', () => {
    const ranked = rankByScore(rows, (r) => r.id, (r) => r.score);
    expect(ranked.map((r) => [r.item.id, r.rank])).toEqual([
      ['c', 1],
      ['d', 2],
      ['a', 3],
      ['b', 3],
      ['e', 5],
    ]);
  });

  it('ranks within groups under the same rule', () => {
    const ranks = rankWithinGroups(rows, (r) => (r.id < 'c' ? 'x' : 'y'), (r) => r.id, (r) => r.score);
    expect(Object.fromEntries(ranks)).toEqual({ a: 1, b: 1, c: 1, d: 2, e: 3 });
  });

  it('rounds half away from zero', () => {
    expect([round2(1.005), round2(21.875), round2(14.58333), round2(-0.001)]).toEqual([1.01, 21.88, 14.58, 0]);
  });

  it('refuses duplicate ids and non-finite scores', () => {
    expect(() => rankByScore([{ id: 'a' }, { id: 'a' }], (r) => r.id, () => 1)).toThrow(/appears twice/);
    expect(() => rankByScore([{ id: 'a' }], (r) => r.id, () => Number.NaN)).toThrow(/finite/);
  });
});
