/**
 * How a project's live state becomes the facts a 四比四看 check counts (domain/rankingFacts.ts),
 * on a hand-built project: registered 2026-01-10 in preliminary work, started 2026-03-15, under
 * construction from 2026-05-02, reporting March to May; four approval decisions, one in 2025.
 */
import { periodEnd, projectFactsOf } from '../../domain/rankingFacts';
import { ProjectFacts } from '../../schemas/fourCompare';
import type { ReviewState } from '../../schemas/jointReview';
import type { ProjectState, RecordedReport } from '../../schemas/lifecycle';
import type { Project } from '../../schemas/project';

const cst = (date: string, hhmm = '10:00') => new Date(`${date}T${hhmm}:00+08:00`).toISOString();

const project: Project = {
  code: '2026-411122-13-03-000301',
  name: '临颍现代家居产业园项目',
  owner: '临颍县现代家居产业园建设发展有限公司',
  county: '411122',
  industry: 'home-furnishing',
  category: 'new',
  totalInvestment: 80000,
  annualPlannedInvestment: 20000,
  plannedStart: '2026-03-01',
  plannedCompletion: '2027-12-31',
  responsibleLeader: '副市长 王某',
  leadDepartment: 'fgw',
  contacts: [],
  stage: 'preliminary',
};

const report = (month: string, investmentToDate: number, physicalProgress: number, reportedAt: string): RecordedReport => ({
  month,
  investmentThisMonth: 0,
  investmentToDate,
  physicalProgress,
  progressNote: '',
  problemIds: [],
  reportedAt,
  by: 'xm:li',
  corrections: [],
});

function stateOf(over: Partial<ProjectState> = {}): ProjectState {
  return {
    project,
    stage: 'underConstruction',
    stageSince: cst('2026-05-02'),
    stageHistory: [
      { seq: 0, from: null, to: 'preliminary', at: cst('2026-01-10'), by: 'seed' },
      { seq: 1, from: 'preliminary', to: 'started', at: cst('2026-03-15'), by: 'fgw:wang' },
      { seq: 2, from: 'started', to: 'underConstruction', at: cst('2026-05-02'), by: 'fgw:wang' },
    ],
    reports: [report('2026-03', 500, 5, cst('2026-04-03')), report('2026-04', 1200, 12, cst('2026-05-06')), report('2026-05', 2000, 20, cst('2026-06-03'))],
    warning: { level: 'green', at: cst('2026-01-10'), completionRate: 0, expectedRate: 0 },
    warningHistory: [],
    stall: null,
    stallHistory: [],
    orders: [],
    annualPlans: [],
    openProblems: [],
    approvals: {},
    reviews: {},
    reviewHistory: [],
    closed: false,
    registeredAt: cst('2026-01-10'),
    reportingSince: cst('2026-03-15'),
    calendarGaps: [],
    lastReportAt: cst('2026-06-03'),
    generation: 0,
    ...over,
  };
}

/** A review with decisions as (decided at, late, working days used, limit); the rest of the state does not count. */
function review(code: string, decisions: Array<[string, boolean, number, number] | null>): ReviewState {
  return {
    project: { code, name: 'x', county: '411122', leadDepartment: 'fgw' },
    tasks: decisions.map((d, i) => ({
      department: `d${i}`,
      limitWorkingDays: d ? d[3] : 10,
      ...(d ? { decision: { action: 'approve', by: 'x', at: d[0], late: d[1], lateByWorkingDays: d[1] ? 4 : 0, workingDaysUsed: d[2] } } : {}),
    })),
  } as unknown as ReviewState;
}

const reviews = [
  review(project.code, [[cst('2026-02-10'), false, 8, 10], [cst('2026-02-20'), true, 14, 10], null]),
  review(project.code, [[cst('2025-12-20'), false, 5, 10]]),
  review('2026-411122-13-03-000999', [[cst('2026-02-11'), false, 1, 10]]),
];

describe('project facts of a check', () => {
  it('April 2026: started this year, landed, the April report and the approvals decided in 2026', () => {
    const f = projectFactsOf(stateOf(), reviews, '2026-04');
    expect(ProjectFacts.parse(f)).toEqual({
      code: project.code,
      county: '411122',
      stage: 'started',
      signed: true,
      landed: true,
      plannedStartThisYear: true,
      startedThisYear: true,
      physicalProgress: 12,
      annualPlannedInvestment: 20000,
      investmentCompletedThisYear: 1200,
      fundsInPlace: 1200,
      approvalTasksClosed: 2,
      approvalTasksOnTime: 1,
      approvalWorkingDaysUsed: 22,
      approvalWorkingDaysAllowed: 20,
    });
  });

  it('February 2026: still in preliminary work, not landed, nothing reported yet', () => {
    expect(projectFactsOf(stateOf(), reviews, '2026-02')).toMatchObject({
      stage: 'preliminary',
      signed: true,
      landed: false,
      startedThisYear: false,
      physicalProgress: 0,
      investmentCompletedThisYear: 0,
      approvalTasksClosed: 2,
    });
  });

  it('a decision on the last evening of the month counts for that month, one at midnight for the next', () => {
    const late = [review(project.code, [[cst('2026-02-28', '23:59'), false, 3, 10], [cst('2026-03-01', '00:00'), false, 3, 10]])];
    expect(projectFactsOf(stateOf(), late, '2026-02')!.approvalTasksClosed).toBe(1);
    expect(projectFactsOf(stateOf(), late, '2026-03')!.approvalTasksClosed).toBe(2);
    expect(new Date(periodEnd('2026-02')).toISOString()).toBe('2026-02-28T16:00:00.000Z');
  });

  it('January 2027: signed in 2026, so not signed (nor landed) in 2027; no 2027 investment yet; progress carries over', () => {
    expect(projectFactsOf(stateOf(), reviews, '2027-01')).toMatchObject({
      stage: 'underConstruction',
      signed: false,
      landed: false,
      plannedStartThisYear: false,
      startedThisYear: false,
      physicalProgress: 20,
      investmentCompletedThisYear: 0,
      approvalTasksClosed: 0,
      approvalWorkingDaysUsed: 0,
    });
  });

  it('a project registered after the period does not exist for it', () => {
    expect(projectFactsOf(stateOf(), reviews, '2025-12')).toBeNull();
  });

  it('a project brought over with its listing day counts from that day, in the stage it was registered in', () => {
    // Listed on 1 March, registered in keyflow on 2 December with the year's reports filed late.
    const broughtOver = stateOf({
      project: { ...project, category: 'new', stage: 'started', listedOn: '2026-03-01' },
      stage: 'started',
      stageHistory: [{ seq: 0, from: null, to: 'started', at: cst('2026-12-02'), by: 'seed' }],
      registeredAt: cst('2026-12-02'),
      reports: [report('2026-10', 900, 30, cst('2026-12-02'))],
    });
    expect(projectFactsOf(broughtOver, [], '2026-11')).toMatchObject({ stage: 'started', signed: true, landed: true, startedThisYear: true, investmentCompletedThisYear: 900 });
    expect(projectFactsOf(broughtOver, [], '2026-02')).toBeNull();
  });

  it('registered already under construction: a new start counts as started this year, a continuing one does not', () => {
    const registeredBuilding = (category: Project['category']) =>
      stateOf({
        project: { ...project, category, stage: 'underConstruction' },
        stageHistory: [{ seq: 0, from: null, to: 'underConstruction', at: cst('2026-01-10'), by: 'seed' }],
      });
    expect(projectFactsOf(registeredBuilding('new'), [], '2026-04')).toMatchObject({ startedThisYear: true, landed: true });
    expect(projectFactsOf(registeredBuilding('continuing'), [], '2026-04')).toMatchObject({ startedThisYear: false, landed: true });
  });

  it('a withdrawn project stays signed and has not landed', () => {
    const withdrawn = stateOf({
      stage: 'withdrawn',
      closed: true,
      stageHistory: [
        { seq: 0, from: null, to: 'preliminary', at: cst('2026-01-10'), by: 'seed' },
        { seq: 1, from: 'preliminary', to: 'withdrawn', at: cst('2026-02-10'), by: 'fgw:wang', reason: '企业退出' },
      ],
    });
    expect(projectFactsOf(withdrawn, [], '2026-04')).toMatchObject({ stage: 'withdrawn', signed: true, landed: false, startedThisYear: false });
  });
});
