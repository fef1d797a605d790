import {
  InvalidScoreSheet,
  UnknownTourProject,
  combineTotals,
  isEligibleForTour,
  scoreTour,
  sheetTotal,
  validateSheet,
} from '../../domain/inspection';
import { TIE_RULE } from '../../domain/ranking';
import { InspectionConfig, ScoreSheet, Tour, TourResult, type TourProject } from '../../schemas/inspection';
import { InvalidRankingConfig, loadInspectionConfig } from '../../seeds/rankingConfig';

/** Default sheet: scale 25, progress 25, technology 20, quality 15, service 15; maxPoints = weight, so total = plain sum. */
const config = loadInspectionConfig();

const T1 = '2024-411102-13-03-000101';
const T2 = '2024-411102-34-03-000102';
const T3 = '2024-411103-13-03-000103';
const T4 = '2024-411121-26-03-000104';
const T5 = '2024-411122-21-03-000105';
const T6 = '2024-411171-13-03-000106';

const tour: Tour = Tour.parse({
  id: 'autumn-2024',
  name: '2024年秋季重点项目观摩',
  date: '2024-09-19',
  projects: [T1, T2, T3, T4, T5, T6],
  closesAt: '2024-09-20T18:00:00+08:00',
  status: 'open',
});

const projects: TourProject[] = [
  { code: T1, name: '统一企业高端方便面生产线', owner: '河南统一企业有限公司', county: '411102', countyName: '源汇区', kind: 'district' },
  { code: T2, name: '利通液压软管研发中心', county: '411102', countyName: '源汇区', kind: 'district' },
  { code: T3, name: '永光电力特高压输变电设备', county: '411103', countyName: '郾城区', kind: 'district' },
  { code: T4, name: '舞阳金大地45万吨合成氨', county: '411121', countyName: '舞阳县', kind: 'county' },
  { code: T5, name: '临颍现代家居产业园', county: '411122', countyName: '临颍县', kind: 'county' },
  { code: T6, name: '经开区智能食品机械产业园', county: 'etdz', countyName: '经济技术开发区', kind: 'functional-zone' },
];

/** [scale, progress, technology, quality, service] */
function sheet(projectCode: string, inspector: string, s: [number, number, number, number, number], submittedAt = '2024-09-20T10:00:00+08:00'): ScoreSheet {
  const [scale, progress, technology, quality, service] = s;
  return ScoreSheet.parse({ tourId: 'autumn-2024', projectCode, inspector, scores: { scale, progress, technology, quality, service }, submittedAt });
}

const sheets: ScoreSheet[] = [
  // T1, five inspectors → trimmed mean.
  sheet(T1, 'sw:wang', [23, 22, 18, 14, 13]), // 90
  sheet(T1, 'sw:li', [22, 21, 17, 13, 12]), //   85
  sheet(T1, 'sw:zhang', [22, 22, 18, 13, 13]), // 88
  sheet(T1, 'sw:zhao', [18, 17, 14, 11, 10]), //  70 ← lowest, dropped
  sheet(T1, 'sw:chen', [24, 24, 19, 14, 14]), //  95 ← highest, dropped
  // T2, three → mean.
  sheet(T2, 'sw:wang', [20, 20, 16, 12, 12]), // 80
  sheet(T2, 'sw:li', [21, 21, 17, 13, 12]), //   84
  sheet(T2, 'sw:zhang', [21, 20, 16, 13, 12]), // 82
  // T3, three → mean, with half points.
  sheet(T3, 'sw:wang', [20.5, 20, 16, 13, 12]), //  81.5
  sheet(T3, 'sw:li', [21, 20, 16, 13, 12]), //      82
  sheet(T3, 'sw:zhang', [21, 21, 16.5, 12, 12]), // 82.5
  // T4, two.
  sheet(T4, 'sw:wang', [19, 19, 15, 11, 11]), // 75
  sheet(T4, 'sw:li', [20, 19, 16, 12, 11]), //   78
  // T5, two.
  sheet(T5, 'sw:wang', [22, 22, 18, 13, 13]), // 88
  sheet(T5, 'sw:li', [22, 21, 17, 13, 13]), //   86
  // T6: visited, no sheet.
];

/*
 * Combined scores by hand:
 *   T1: 5 sheets ≥ trimAt 5 → drop 70 and 95 → (90 + 85 + 88) / 3 = 263 / 3 = 87.666… → 87.67
 *       (the plain mean would be 428 / 5 = 85.6)
 *   T2: (80 + 84 + 82) / 3 = 82
 *   T3: (81.5 + 82 + 82.5) / 3 = 82
 *   T4: (75 + 78) / 2 = 76.5
 *   T5: (88 + 86) / 2 = 87
 * Overall: T1 87.67 (1), T5 87 (2), T2 82 (3), T3 82 (3, tied; T2's code sorts first), T4 76.5 (5).
 * Within county: 411102 T1 1, T2 2; 411103 T3 1; 411121 T4 1; 411122 T5 1.
 * Peer groups: districts T1 1, T2 2, T3 2 (tied); counties T5 1, T4 2.
 */

describe('inspection tour scoring (观摩)', () => {
  it('loads the default score sheet from seeds/inspection.json', () => {
    expect(config.criteria.map((c) => [c.name, c.weight, c.maxPoints])).toEqual([
      ['规模和投资强度', 25, 25],
      ['建设进度', 25, 25],
      ['科技含量和产业带动', 20, 20],
      ['质量效益', 15, 15],
      ['组织服务', 15, 15],
    ]);
    expect(config.trimAt).toBe(5);
    expect(config.eligibility).toEqual({ minInvestmentShare: 1 / 3, excludeShownWithinYears: 3 });
  });

  it('totals a sheet as Σ score / maxPoints × weight', () => {
    // A sheet scored out of 10 per criterion: 8/10·25 + 6/10·25 + 5/10·20 + 10/10·15 + 4/10·15
    //   = 20 + 15 + 10 + 15 + 6 = 66
    const outOfTen = InspectionConfig.parse({ criteria: config.criteria.map((c) => ({ ...c, maxPoints: 10 })) });
    expect(sheetTotal(outOfTen, { scores: { scale: 8, progress: 6, technology: 5, quality: 10, service: 4 } })).toBe(66);
    const t1 = sheets[0];
    if (!t1) throw new Error('fixture');
    expect(sheetTotal(config, t1)).toBe(90);
  });

  const result = scoreTour(config, tour, sheets, projects);

  it('applies the trimmed mean from 5 sheets, dropping exactly one highest and one lowest', () => {
    const t1 = result.projects.find((p) => p.projectCode === T1);
    expect(t1?.method).toBe('trimmedMean');
    expect(t1?.combined).toBe(87.67);
    expect(t1?.sheets).toEqual([
      { inspector: 'sw:zhao', total: 70, dropped: 'lowest' },
      { inspector: 'sw:li', total: 85, dropped: null },
      { inspector: 'sw:zhang', total: 88, dropped: null },
      { inspector: 'sw:wang', total: 90, dropped: null },
      { inspector: 'sw:chen', total: 95, dropped: 'highest' },
    ]);
    expect(result.projects.find((p) => p.projectCode === T2)?.method).toBe('mean');
  });

  it('drops one sheet only when several share the highest total, and needs trimAt sheets', () => {
    // 70 80 85 90 90 → drop 70 and one 90 (the later inspector id) → (80 + 85 + 90) / 3 = 85
    const r = combineTotals(
      [
        { inspector: 'a', total: 90 },
        { inspector: 'b', total: 90 },
        { inspector: 'c', total: 80 },
        { inspector: 'd', total: 70 },
        { inspector: 'e', total: 85 },
      ],
      5,
    );
    expect(r.combined).toBe(85);
    expect(r.sheets.map((s) => [s.inspector, s.dropped])).toEqual([
      ['d', 'lowest'], ['c', null], ['e', null], ['a', null], ['b', 'highest'],
    ]);
    // Four sheets < trimAt 5 → plain mean (70 + 80 + 90 + 90) / 4 = 82.5
    expect(combineTotals([{ inspector: 'a', total: 90 }, { inspector: 'b', total: 90 }, { inspector: 'c', total: 80 }, { inspector: 'd', total: 70 }], 5)).toEqual(
      expect.objectContaining({ method: 'mean', combined: 82.5 }),
    );
  });

  it('ranks overall, within county and within peer group, ties by project code', () => {
    expect(result.projects.map((p) => [p.projectCode, p.combined, p.rank, p.countyRank, p.peerRank])).toEqual([
      [T1, 87.67, 1, 1, 1],
      [T5, 87, 2, 1, 1],
      [T2, 82, 3, 2, 2],
      [T3, 82, 3, 1, 2],
      [T4, 76.5, 5, 1, 2],
    ]);
    expect(result.unscored).toEqual([T6]);
    expect(result.tieRule).toBe(TIE_RULE);
    expect(TourResult.safeParse(result).success).toBe(true);
  });

  it('refuses invalid sheets at scoring time with the reason', () => {
    const bad = { ...sheet(T4, 'sw:zhao', [19, 19, 15, 11, 11]), scores: { scale: 30, progress: 19, technology: 15, quality: 11, service: 11 } };
    expect(() => scoreTour(config, tour, [...sheets, bad], projects)).toThrow(InvalidScoreSheet);
    expect(() => scoreTour(config, tour, [...sheets, sheet(T4, 'sw:li', [1, 1, 1, 1, 1])], projects)).toThrow(/two sheets/);
    expect(() => scoreTour(config, tour, sheets, projects.slice(1))).toThrow(UnknownTourProject);
  });
});

describe('validateSheet', () => {
  const accepted = sheets.filter((s) => s.projectCode === T4);
  const fresh = sheet(T4, 'sw:zhao', [19, 19, 15, 11, 11]);

  it('accepts a valid sheet', () => {
    expect(validateSheet(config, fresh, accepted, tour)).toEqual([]);
  });

  it('names the criterion and the rule for scores out of range', () => {
    const s = { ...fresh, scores: { scale: 26, progress: -1, technology: 15, quality: 11, service: Number.NaN } };
    expect(validateSheet(config, s, accepted, tour)).toEqual([
      { code: 'scoreAboveMax', field: 'scores.scale', message: '规模和投资强度 (scale): score 26 is above the maximum of 25 points' },
      { code: 'scoreNegative', field: 'scores.progress', message: '建设进度 (progress): score -1 is negative; scores are from 0 to 25' },
      { code: 'scoreNotNumber', field: 'scores.service', message: '组织服务 (service): the score must be a number from 0 to 15' },
    ]);
  });

  it('refuses missing and unknown criteria', () => {
    const s = { ...fresh, scores: { scale: 19, progress: 19, technology: 15, quality: 11, beauty: 5 } };
    expect(validateSheet(config, s, accepted, tour)).toEqual([
      { code: 'missingCriterion', field: 'scores.service', message: '组织服务 (service): no score given; score every criterion from 0 to 15' },
      {
        code: 'unknownCriterion',
        field: 'scores.beauty',
        message: 'beauty is not a criterion of the score sheet (criteria: scale, progress, technology, quality, service)',
      },
    ]);
  });

  it('refuses a second sheet by the same inspector for the same project', () => {
    const again = sheet(T4, ' sw:li ', [20, 20, 16, 12, 11]); // the schema trims the account
    expect(validateSheet(config, again, accepted, tour)).toEqual([
      { code: 'duplicateSheet', field: 'inspector', message: 'sw:li has already submitted a sheet for 2024-411121-26-03-000104; one sheet per inspector and project' },
    ]);
    // The same inspector may score another project.
    expect(validateSheet(config, sheet(T6, 'sw:li', [20, 20, 16, 12, 11]), accepted, tour)).toEqual([]);
  });

  it('refuses a project that is not in the tour and a sheet for another tour', () => {
    const s = { ...sheet('2024-411104-13-03-000999', 'sw:zhao', [19, 19, 15, 11, 11]), tourId: 'spring-2024' };
    expect(validateSheet(config, s, accepted, tour).map((e) => [e.code, e.field])).toEqual([
      ['wrongTour', 'tourId'],
      ['projectNotInTour', 'projectCode'],
    ]);
  });

  it('refuses late sheets: after closesAt, or once the tour is closed', () => {
    // 18:00:01 Beijing time is after 18:00 +08:00; 10:00Z is 18:00 +08:00 exactly, still on time.
    const late = sheet(T4, 'sw:zhao', [19, 19, 15, 11, 11], '2024-09-20T18:00:01+08:00');
    expect(validateSheet(config, late, accepted, tour)).toEqual([
      {
        code: 'lateSheet',
        field: 'submittedAt',
        message: 'submitted at 2024-09-20T18:00:01+08:00, after the tour closed for scoring at 2024-09-20T18:00:00+08:00; late sheets are refused',
      },
    ]);
    expect(validateSheet(config, sheet(T4, 'sw:zhao', [19, 19, 15, 11, 11], '2024-09-20T10:00:00Z'), accepted, tour)).toEqual([]);
    const closed = { ...tour, status: 'closed' as const };
    expect(validateSheet(config, fresh, accepted, closed)).toEqual([
      { code: 'tourClosed', field: 'submittedAt', message: 'tour autumn-2024 is closed; late sheets are refused' },
    ]);
    // Sheets accepted before closing still count when the closed tour is scored.
    expect(scoreTour(config, closed, sheets, projects).projects).toHaveLength(5);
  });
});

describe('score sheet configuration', () => {
  it('requires weights adding up to 100 and distinct criteria', () => {
    const criteria = config.criteria.map((c, i) => (i === 4 ? { ...c, id: 'scale', weight: 10 } : c));
    expect(() => loadInspectionConfig({ criteria })).toThrow(InvalidRankingConfig);
    try {
      loadInspectionConfig({ criteria, trimAt: 2 });
    } catch (e) {
      expect((e as InvalidRankingConfig).issues).toEqual([
        'trimAt: must be at least 3 so that a sheet remains after trimming',
        'criteria.4.id: criterion id scale is used twice',
        'criteria: weights must add up to 100 (they add up to 95)',
      ]);
    }
    expect.assertions(2);
  });
});

describe('isEligibleForTour', () => {
  const history = { tourYear: 2024, shown: [{ projectCode: T1, year: 2021 }, { projectCode: T2, year: 2020 }] };

  it('admits a project with exactly a third of its investment completed', () => {
    expect(isEligibleForTour({ code: T3, totalInvestment: 9000, investmentCompletedToDate: 3000 }, history, config)).toEqual({ eligible: true, reasons: [] });
  });

  it('refuses a project below a third of its total investment', () => {
    const d = isEligibleForTour({ code: T3, totalInvestment: 9000, investmentCompletedToDate: 2999 }, history, config);
    expect(d.eligible).toBe(false);
    expect(d.reasons).toEqual([
      { code: 'investmentShareTooLow', message: `project ${T3} has completed 33.3 % of its total investment; at least 33.3 % is required` },
    ]);
  });

  it('refuses a project shown in the previous three years, not one shown four years ago', () => {
    const d = isEligibleForTour({ code: T1, totalInvestment: 9000, investmentCompletedToDate: 9000 }, history, config);
    expect(d.reasons.map((r) => r.code)).toEqual(['shownRecently']);
    expect(d.reasons[0]?.message).toBe(`project ${T1} was shown on a tour in 2021; projects shown in 2021–2024 are not shown again`);
    expect(isEligibleForTour({ code: T2, totalInvestment: 9000, investmentCompletedToDate: 9000 }, history, config).eligible).toBe(true);
  });
});
