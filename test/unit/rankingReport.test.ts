import { runFourCompare } from '../../domain/fourCompare';
import { scoreTour } from '../../domain/inspection';
import { csvField, escapeHtml, renderCheckCsv, renderCheckHtml, renderTourCsv, renderTourHtml } from '../../domain/reports/rankingReport';
import { ProjectFacts } from '../../schemas/fourCompare';
import { ScoreSheet, Tour, type TourProject } from '../../schemas/inspection';
import type { County } from '../../schemas/reference';
import { loadFourCompareConfig, loadInspectionConfig } from '../../seeds/rankingConfig';

const SCRIPT = '<script>alert("x")</script>区';
const ESCAPED = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;区';

const counties: County[] = [
  { id: '411104', name: SCRIPT, nameEn: 'Shaoling <District>', kind: 'district' },
  { id: '411103', name: '郾城区', nameEn: 'Yancheng District', kind: 'district' },
  { id: '411121', name: '舞阳县, "试点"', nameEn: 'Wuyang County', kind: 'county' },
];

const base = {
  stage: 'underConstruction',
  signed: false,
  landed: false,
  plannedStartThisYear: true,
  startedThisYear: true,
  approvalTasksClosed: 2,
} as const;
const strong = {
  ...base, signed: true, landed: true, physicalProgress: 60, annualPlannedInvestment: 1000, investmentCompletedThisYear: 500,
  fundsInPlace: 800, approvalTasksOnTime: 2, approvalWorkingDaysUsed: 10, approvalWorkingDaysAllowed: 20,
};
const facts = [
  ProjectFacts.parse({ ...strong, code: '2024-411104-13-03-000001', county: '411104' }),
  ProjectFacts.parse({ ...strong, code: '2024-411103-13-03-000002', county: '411103' }),
  ProjectFacts.parse({
    ...base, code: '2024-411121-13-03-000003', county: '411121', physicalProgress: 30, annualPlannedInvestment: 1000,
    investmentCompletedThisYear: 250, fundsInPlace: 400, approvalTasksOnTime: 1, approvalWorkingDaysUsed: 15, approvalWorkingDaysAllowed: 20,
  }),
];
// As in fourCompare.test.ts: the two districts score 100 (tied, listed 411103 then 411104), 411121 scores
// 0 + 18.75 + 12.5 + 12.5 = 43.75.
const check = runFourCompare(loadFourCompareConfig(), counties, facts, '2024-06');

function rows(csv: string): string[] {
  expect(csv.startsWith('\uFEFF')).toBe(true);
  expect(csv.endsWith('\r\n')).toBe(true);
  return csv.slice(1, -2).split('\r\n');
}

function expectSelfContained(html: string): void {
  expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
  expect(html).toContain('<meta charset="utf-8">');
  expect(html).not.toMatch(/<script|<link|\bsrc=|\bhref=|@import|url\(/i);
}

describe('four-compare report', () => {
  it('writes CSV with BOM, header, RFC 4180 quoting, in ranking order', () => {
    const lines = rows(renderCheckCsv(check));
    expect(lines).toEqual([
      '名次 Rank,组内名次 Rank in group,县区代码 County id,县区 County,类别 Group,' +
        '"比签约看落地 Compare signing, look at landing","比开工看进度 Compare starts, look at progress",' +
        '"比投资看到位 Compare investment, look at funds in place","比服务看环境 Compare service, look at the environment",' +
        '签约项目数 signedCount,落地率 landingRate,开工率 startRate,平均形象进度 physicalProgressAvg,' +
        '年度计划投资完成率 investmentCompletionRate,资金到位率 fundsInPlaceRate,按时办结率 onTimeApprovalRate,审批提速率 approvalSpeed,' +
        '总分 Total,名次变化 Rank change',
      '1,1,411103,郾城区,区 District,25.00,25.00,25.00,25.00,1,1,1,60,0.5,0.8,1,0.5,100.00,',
      '1,1,411104,"<script>alert(""x"")</script>区",区 District,25.00,25.00,25.00,25.00,1,1,1,60,0.5,0.8,1,0.5,100.00,',
      '3,1,411121,"舞阳县, ""试点""",县 County,0.00,18.75,12.50,12.50,0,,1,30,0.25,0.4,0.5,0.25,43.75,',
    ]);
  });

  it('says where the facts came from and how far behind the events the read model was (读模型滞后)', () => {
    const asOf = '2026-03-05T01:00:00.000Z'; // 09:00 in Shanghai
    expect(renderCheckHtml(check, counties, { lag: 7, asOf, caughtUp: false })).toContain('据读模型编制，读模型滞后 7 条事件（截至 2026-03-05 09:00，北京时间），可能未含最新变化。');
    expect(renderCheckHtml(check, counties, { lag: 0, asOf, caughtUp: true })).toContain('据读模型编制，读模型已追上事件流（截至 2026-03-05 09:00，北京时间）。');
    expect(renderCheckHtml(check, counties, null)).toContain('据各项目流程的实时状态编制。');
    // A check compiled before keyflow recorded it says nothing about it.
    expect(renderCheckHtml(check, counties)).not.toContain('读模型');
  });

  it('renders a self-contained HTML page with the ranking in order and all text escaped', () => {
    const html = renderCheckHtml(check, counties);
    expectSelfContained(html);
    expect(html).toContain(ESCAPED);
    expect(html).toContain('Shaoling &lt;District&gt;');
    expect(html).toContain('舞阳县, &quot;试点&quot;');
    const table = html.slice(html.indexOf('<table>'), html.indexOf('</table>'));
    const order = ['郾城区', ESCAPED, '舞阳县'].map((n) => table.indexOf(n));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(table).toContain('比签约看落地 <span class="en">Compare signing, look at landing</span>');
    // The chart: one bar per county, full width for 100 of 100 points, in ranking order.
    const svg = html.slice(html.indexOf('<svg'), html.indexOf('</svg>'));
    expect(svg.match(/<rect /g)).toHaveLength(3);
    expect(svg).toContain('width="420.0"');
    expect(svg.indexOf('1. 郾城区')).toBeLessThan(svg.indexOf(`1. ${ESCAPED}`));
    expect(svg.indexOf(`1. ${ESCAPED}`)).toBeLessThan(svg.indexOf('3. 舞阳县'));
    expect(html).toContain('Competition ranking (1, 2, 2, 4)');
  });

  it('shows rank changes against the previous check', () => {
    const next = runFourCompare(loadFourCompareConfig(), counties, facts.slice(1), '2024-07', check);
    // 411104 lost its project: 411103 100 (1, ±0), 411121 (2, +1), 411104 0 (3, −2).
    expect(next.counties.map((l) => [l.county, l.rankChange])).toEqual([['411103', 0], ['411121', 1], ['411104', -2]]);
    const html = renderCheckHtml(next, counties);
    expect(html).toContain('↑1');
    expect(html).toContain('↓2');
    expect(rows(renderCheckCsv(next)).map((r) => r.split(',').at(-1))).toEqual(['名次变化 Rank change', '0', '1', '-2']);
  });
});

describe('four-compare report of a month without data', () => {
  const empty = runFourCompare(loadFourCompareConfig(), counties, [], '2024-08', check);

  it('says 无数据 in the HTML page, with no ranking table and no chart', () => {
    const html = renderCheckHtml(empty, counties);
    expectSelfContained(html);
    expect(html).toContain('无数据：2024-08 月末没有适用的重点项目，本期不排名、不计分。');
    expect(html).toContain('No data');
    expect(html).not.toContain('<table>');
    expect(html).not.toContain('<svg');
    expect(html).toContain(ESCAPED); // the counties checked, escaped
  });

  it('writes the CSV header and one line saying 无数据, no ranks', () => {
    const [header, line, ...more] = rows(renderCheckCsv(empty));
    expect(header).toBe(rows(renderCheckCsv(check))[0]);
    expect(more).toEqual([]);
    expect(line!.startsWith('无数据：2024-08 月末没有适用的重点项目')).toBe(true);
    expect(line!.split(',').length).toBe(header!.split(',').length - 4); // the four quoted pair names hold a comma each
  });
});

describe('tour report', () => {
  const P1 = '2024-411104-13-03-000201';
  const P2 = '2024-411103-13-03-000202';
  const P3 = '2024-411121-13-03-000203';
  const tour = Tour.parse({
    id: 'spring-2024', name: '春季观摩', date: '2024-04-10', projects: [P1, P2, P3], closesAt: '2024-04-11T18:00:00+08:00', status: 'closed',
  });
  const projects: TourProject[] = [
    { code: P1, name: '<script>alert(1)</script>厂', owner: 'A & B 公司', county: '411104', countyName: '召陵区', kind: 'district' },
    { code: P2, name: '华润怡宝纯净水, 60万吨', county: '411103', countyName: '郾城区', kind: 'district' },
    { code: P3, name: '舞阳金大地合成氨', county: '411121', countyName: '舞阳县', kind: 'county' },
  ];
  const sheet = (projectCode: string, inspector: string, scores: number[]) =>
    ScoreSheet.parse({
      tourId: 'spring-2024', projectCode, inspector, submittedAt: '2024-04-10T15:00:00+08:00',
      scores: Object.fromEntries(['scale', 'progress', 'technology', 'quality', 'service'].map((id, i) => [id, scores[i]])),
    });
  // P1: (80 + 82) / 2 = 81; P2: 90; P3 unscored.
  const result = scoreTour(
    loadInspectionConfig(),
    tour,
    [sheet(P1, 'a', [20, 20, 16, 12, 12]), sheet(P1, 'b', [21, 20, 16, 13, 12]), sheet(P2, 'a', [23, 22, 18, 14, 13])],
    projects,
  );

  it('writes CSV in ranking order, unscored projects last', () => {
    expect(rows(renderTourCsv(result))).toEqual([
      '名次 Rank,项目代码 Project code,项目 Project,县区代码 County id,县区 County,县区内名次 Rank in county,类别 Group,组内名次 Rank in group,评分表数 Sheets,计分 Method,综合得分 Combined score',
      `1,${P2},"华润怡宝纯净水, 60万吨",411103,郾城区,1,区 District,1,1,平均 mean,90.00`,
      `2,${P1},<script>alert(1)</script>厂,411104,召陵区,1,区 District,2,2,平均 mean,81.00`,
      `,${P3},,,,,,,0,未评分 not scored,`,
    ]);
  });

  it('renders HTML with the ranking in order and escapes names', () => {
    const html = renderTourHtml(result, projects);
    expectSelfContained(html);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;厂');
    expect(html).toContain('A &amp; B 公司');
    const table = html.slice(html.indexOf('<table>'), html.indexOf('</table>'));
    expect(table.indexOf('华润怡宝')).toBeLessThan(table.indexOf('&lt;script&gt;alert(1)'));
    expect(html).toContain(`未评分项目 <span class="en">Not scored</span>: 舞阳金大地合成氨 (${P3})`);
    expect(html).toContain('<svg');
  });
});

describe('escaping helpers', () => {
  it('escapes HTML special characters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('quotes CSV fields per RFC 4180 and guards text against formulas', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvField(-2)).toBe('-2');
    expect(csvField(null)).toBe('');
  });
});
