/**
 * The demo's year (演示年度数据): the seed projects brought over from the city's earlier ledger as a
 * real migration would bring them — each with the day this year's key-project list took it in
 * (纳入重点项目管理日期) and, for approvals in flight, the day the window accepted them (受理日期) —
 * then their year's monthly reports filed late through the report path, some months left missing,
 * and the joint reviews acted on by the departments' demo users. Stalls, supervision orders,
 * warning lights and overdue approvals then arise by the workflows' own rules.
 *
 * The plan is a pure function of the run's clock (`demoYearPlan`), so it holds on any date: "this
 * year" and "the months since January" are the clock's. Every request id is derived from the
 * project and the month or the task, so a second start on the same state changes nothing.
 */
import { KeyflowError } from '../client/errors';
import { getProjectState, registerProject, reportProgress, transitionProject, type ClientContext } from '../client/projects';
import { latestChecks, runFourCompareNow } from '../client/rankings';
import { actOnTask, getReviewState, resubmitTask } from '../client/reviews';
import { addCalendarDays, shanghaiDate } from '../domain/calendar';
import { addMonths, monthOf } from '../domain/lifecycle/months';
import type { Actor } from '../schemas/common';
import { FailureType } from '../schemas/errors';
import type { ActOnTaskInputRaw, ReviewStageId } from '../schemas/jointReview';
import type { ProgressReportInput } from '../schemas/lifecycle';
import type { ProjectInput, Stage } from '../schemas/project';
import { USER_ROLE_NAMES, type CreateUserRequest } from '../schemas/users';
import { demoUsers } from './demoUsers';
import { loadDemoProjects } from './index';

/** How a project reports through the year: its pace against the pro-rata plan and the months it leaves out. */
interface ReportProfile {
  /** Year-to-date investment as a share of the pro-rata annual plan (1 on plan; 0.85 yellow; 0.6 red). */
  pace: number;
  /** The latest past months with no report (逾期未报): 3 leaves the last three months out. */
  missingLast?: number;
  /** A problem raised in the latest report, for the lead department to solve (the meeting takes it up). */
  problem?: { text: string; department: string };
}

/** What the demo does with a project beyond registering it. */
interface ProjectScript {
  reports?: ReportProfile;
  /** Stage changes made now, after registration (e.g. a project that started in spring is under construction). */
  moves?: Array<{ to: Stage; reason?: string }>;
  /** Days before today the first stage's application was accepted (a project registered in preliminary work). */
  acceptedDaysAgo?: number;
  /** Listed on 1 January (a project long in its stage), where it would otherwise be registered today. */
  listedAtYearStart?: boolean;
  /** The first stage's tasks acted on, by department. */
  review?: Array<{ department: string; action: ActOnTaskInputRaw['action']; reason?: string; missing?: number; resubmit?: boolean }>;
}

/**
 * The demo's story per project (by national project code). Registered stages come from
 * seeds/projects.json; projects not named here are registered today and left as they are.
 */
const SCRIPTS: Readonly<Record<string, ProjectScript>> = {
  // 续建 under construction, on plan / behind / far behind / silent for three months.
  '2025-411100-14-03-000107': { reports: { pace: 1 } },
  '2025-411100-29-03-000118': { reports: { pace: 0.85 } },
  '2025-411121-26-02-000015': { reports: { pace: 0.6, problem: { text: '合成氨装置区用地指标未落实，二期基础施工受阻', department: 'zrzy' } } },
  '2025-411122-21-03-000058': { reports: { pace: 0.9, missingLast: 3 } },
  '2025-411103-30-03-000029': { reports: { pace: 1.05 } },
  '2025-411100-35-03-000142': { reports: { pace: 0.95 } },
  '2026-411103-34-03-000070': { reports: { pace: 0.75, missingLast: 2, problem: { text: '冷链库区外电接入工程滞后', department: 'fgw' } } },
  // 新开工 this year: two moved on to construction, two still "started" long after their start (no stage change).
  '2026-411104-38-03-000041': { reports: { pace: 0.8 } },
  '2026-411102-13-03-000022': { reports: { pace: 1 }, moves: [{ to: 'underConstruction' }] },
  '2026-411100-27-03-000155': { reports: { pace: 0.7, problem: { text: '环评批复前置条件未满足，主体厂房暂缓施工', department: 'sthj' } } },
  '2026-411104-39-03-000083': { reports: { pace: 1 }, moves: [{ to: 'underConstruction' }] },
  // 竣工 this year, still reporting.
  '2025-411100-34-03-000131': { reports: { pace: 1 } },
  '2025-411122-14-03-000019': { reports: { pace: 1.1 } },
  // 谋划 since January: more than the 180 days a conception may take.
  '2026-411121-26-02-000034': { listedAtYearStart: true },
  // 前期 with their first review in flight since before today: long overdue / just reminded / recent with a return.
  '2026-411103-14-03-000064': { acceptedDaysAgo: 42, review: [{ department: 'sl', action: 'approve' }] },
  '2026-411104-77-01-000092': { acceptedDaysAgo: 16, review: [{ department: 'sthj', action: 'approve' }] },
  '2026-411100-65-01-000163': {
    acceptedDaysAgo: 3,
    review: [{ department: 'zrzy', action: 'returnForSupplement', reason: '勘测定界图比例不符，请补正', missing: 1 }, { department: 'sthj', action: 'approve' }],
  },
  // 储备 projects applying now (进入前期): one approved with a material to follow (容缺) and on to the next stage,
  // one rejected, one returned for supplement and resubmitted by the single window.
  '2026-411104-13-03-000077': {
    moves: [{ to: 'preliminary' }],
    review: [
      { department: 'fgw', action: 'approve' },
      { department: 'zrzy', action: 'approveWithMissing', reason: '用地预审材料基本齐全，勘测定界图容缺后补', missing: 1 },
      { department: 'sthj', action: 'approve' },
      { department: 'sl', action: 'approve' },
    ],
  },
  '2026-411102-35-03-000046': {
    moves: [{ to: 'preliminary' }],
    review: [
      { department: 'fgw', action: 'approve' },
      { department: 'sthj', action: 'reject', reason: '选址位于水源地二级保护区内，不予许可' },
    ],
  },
  '2026-411121-34-03-000027': {
    moves: [{ to: 'preliminary' }],
    review: [
      { department: 'sl', action: 'returnForSupplement', reason: '水土保持方案缺少专家评审意见，请补正', missing: 1, resubmit: true },
      { department: 'sthj', action: 'approve' },
    ],
  },
};

/** The first stage of joint review, the one the demo acts on. */
const FIRST_STAGE: ReviewStageId = 'landUsePlanning';

export interface PlannedReport {
  code: string;
  report: ProgressReportInput;
}

export interface ProjectPlan {
  project: ProjectInput;
  moves: Array<{ requestId: string; to: Stage; reason?: string; actor: Actor }>;
  /** Newest first: the first report filed lets the project's first check run (see the lifecycle workflow). */
  reports: ProgressReportInput[];
  /** Months of the year with no report, oldest first. */
  missingMonths: string[];
  review: PlannedAction[];
}

/** A department's action; the missing materials are named from the task's own list once the review is read. */
export interface PlannedAction {
  input: ActOnTaskInputRaw;
  /** How many of the task's listed materials are missing (the last ones of its list). */
  missing?: number;
  /** The single window resubmits for the applicant after a return. */
  resubmit?: ResubmitPlan;
}

interface ResubmitPlan {
  requestId: string;
  actor: Actor;
  materials: string[];
  note: string;
}

/** The demo user acting, as the API records a signed-in person (api/route.ts actorOf). */
function actorFor(user: CreateUserRequest): Actor {
  return {
    by: `${user.id}:${user.name}（${user.roles.map((r) => USER_ROLE_NAMES[r]).join('、')}）`,
    ...(user.department ? { department: user.department } : {}),
    userId: user.id,
    name: user.name,
    role: user.roles.join(','),
  };
}

const round2 = (n: number): number => Math.round(n * 100) / 100;

/** A date of this year with `like`'s month and day (29 February falls back to the 28th), within 1 January … today. */
function thisYears(like: string, today: string): string {
  const year = today.slice(0, 4);
  let md = like.slice(5);
  if (md === '02-29' && Number(year) % 4 !== 0) md = '02-28';
  const d = `${year}-${md}`;
  return d > today ? today : d;
}

/**
 * The demo's year as of `now`: every seed project with the dates it is brought over with, and what
 * happens to it. Pure; the same clock gives the same plan.
 */
export function demoYearPlan(now: Date, projects: ProjectInput[] = loadDemoProjects()): ProjectPlan[] {
  const today = shanghaiDate(now);
  const yearStart = `${today.slice(0, 4)}-01-01`;
  const thisMonth = monthOf(today);
  const users = new Map(demoUsers().map((u) => [u.id, u]));
  const enterpriseOf = (code: string) => demoUsers().find((u) => u.enterprise?.projects.includes(code));
  /** Who files a project's report: its enterprise's login, else its lead department's lead officer. */
  const reporterOf = (p: ProjectInput): Actor => {
    const user = enterpriseOf(p.code) ?? users.get(p.leadDepartment === 'fgw' ? 'fgw.li' : `${p.leadDepartment}.clerk`);
    if (!user) throw new Error(`no demo user reports for ${p.code} (lead department ${p.leadDepartment})`);
    return actorFor(user);
  };
  const clerkOf = (department: string): Actor => {
    const user = users.get(`${department}.clerk`);
    if (!user) throw new Error(`no demo clerk for department ${department}`);
    return actorFor(user);
  };

  return projects.map((p) => {
    const script = SCRIPTS[p.code] ?? {};
    const stage = p.stage ?? 'conceived';
    const reporting = ['started', 'underConstruction', 'completed'].includes(stage);
    // Continuing projects were on this year's list from its start; new ones from their start (开工) this year.
    const listedOn = reporting ? (p.category === 'new' ? thisYears(p.plannedStart, today) : yearStart) : script.listedAtYearStart ? yearStart : undefined;
    const reviewAcceptedOn = stage === 'preliminary' && script.acceptedDaysAgo !== undefined ? addCalendarDays(today, -script.acceptedDaysAgo) : undefined;
    const project: ProjectInput = { ...p, ...(listedOn ? { listedOn } : {}), ...(reviewAcceptedOn ? { reviewAcceptedOn } : {}) };

    const reports: ProgressReportInput[] = [];
    const missingMonths: string[] = [];
    const profile = script.reports;
    if (profile && listedOn) {
      const months: string[] = [];
      for (let m = monthOf(listedOn); m < thisMonth; m = addMonths(m, 1)) months.push(m);
      const filed = months.slice(0, Math.max(0, months.length - (profile.missingLast ?? 0)));
      missingMonths.push(...months.slice(filed.length));
      // By its last report a project stands at `pace` of the pro-rata plan (a new one started later invests faster).
      const lastFiled = filed[filed.length - 1];
      const monthly = lastFiled ? round2((p.annualPlannedInvestment * profile.pace * Number(lastFiled.slice(5, 7))) / 12 / filed.length) : 0;
      const actor = reporterOf(p);
      filed.forEach((month, i) => {
        const k = Number(month.slice(5, 7));
        const last = i === filed.length - 1;
        reports.push({
          requestId: `demo-${p.code}-report-${month}`,
          month,
          investmentThisMonth: monthly,
          investmentToDate: round2(monthly * (i + 1)),
          physicalProgress: Math.min(98, Math.round((stage === 'completed' ? 60 : 10) + k * 3.2 * profile.pace)),
          progressNote: last ? `${month} 月形象进度按计划推进` : '',
          problems: last && profile.problem ? [profile.problem] : [],
          actor,
        });
      });
      reports.reverse();
    }

    const moves = (script.moves ?? []).map((m, i) => ({ requestId: `demo-${p.code}-move-${i + 1}-${m.to}`, ...m, actor: reporterOf(p) }));
    const review = (script.review ?? []).map((r): PlannedAction => ({
      input: {
        requestId: `demo-${p.code}-${FIRST_STAGE}-${r.department}-${r.action}`,
        department: r.department,
        actor: clerkOf(r.department),
        action: r.action,
        ...(r.reason ? { reason: r.reason } : {}),
      },
      ...(r.missing ? { missing: r.missing } : {}),
      ...(r.resubmit
        ? { resubmit: { requestId: `demo-${p.code}-${FIRST_STAGE}-${r.department}-resubmit`, actor: clerkOf('xzsp'), materials: [], note: '单一窗口代企业补正提交' } }
        : {}),
    }));
    return { project, moves, reports, missingMonths, review };
  });
}

export interface DemoYearResult {
  registered: number;
  already: number;
  reportsFiled: number;
  /** The months reported, as YYYY-MM … YYYY-MM, or null in January. */
  reportedMonths: { from: string; to: string } | null;
  reviewActions: number;
  stalled: number;
  overdueReviews: number;
  /** Steps that could not be taken (e.g. a review whose deadlines fall in a year without a holiday notice), with why. */
  skipped: string[];
}

async function eventually<T>(read: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T | undefined> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await read().catch(() => undefined);
    if (v !== undefined || Date.now() > until) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function inPool<T>(items: readonly T[], size: number, fn: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(size, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

/**
 * Seeds the demo year through the client paths people's actions take (registration, stage
 * changes, monthly reports, task actions). Safe to run again: registration is skipped for a
 * registered project and every other step repeats its request id, which the workflows answer
 * with the first result.
 */
export async function seedDemoYear(
  ctx: ClientContext,
  opts: { now?: Date; onProgress?: (done: number, total: number) => void; projects?: ProjectInput[] } = {},
): Promise<DemoYearResult> {
  const now = opts.now ?? new Date();
  const plans = demoYearPlan(now, opts.projects);
  const result: DemoYearResult = { registered: 0, already: 0, reportsFiled: 0, reportedMonths: null, reviewActions: 0, stalled: 0, overdueReviews: 0, skipped: [] };
  let done = 0;
  await inPool(plans, 4, async (plan) => {
    // A step refused (e.g. a demo plan changed since an earlier start on this state) is reported, not fatal: the stack still runs.
    await seedProject(ctx, plan, result).catch((err: unknown) => {
      result.skipped.push(`${plan.project.code}: ${(err as Error)?.message ?? String(err)}`);
    });
    opts.onProgress?.(++done, plans.length);
  });
  const months = plans.flatMap((p) => p.reports.map((r) => r.month)).sort();
  if (months.length > 0) result.reportedMonths = { from: months[0]!, to: months[months.length - 1]! };

  // The first checks run as the first reports arrive: give them a moment before counting what they found.
  const expectStalls = plans.some((p) => p.missingMonths.length > 0);
  await eventually(async () => {
    const states = await Promise.all(plans.map((p) => getProjectState(ctx, p.project.code).catch(() => null)));
    result.stalled = states.filter((s) => s?.stall).length;
    result.overdueReviews = 0;
    for (const s of states) {
      const review = s?.reviews?.[FIRST_STAGE];
      if (!s || !review || review.status !== 'inReview') continue;
      const r = await getReviewState(ctx, s.project.code, FIRST_STAGE).catch(() => null);
      if (r?.tasks.some((t) => (t.status === 'open' || t.status === 'returned') && Date.parse(t.deadline) < Date.now())) result.overdueReviews += 1;
    }
    return !expectStalls || result.stalled > 0 ? true : undefined;
  }, 10_000);
  return result;
}

/** One project's year: registered (or found registered), moved, reported, its review acted on. */
async function seedProject(ctx: ClientContext, plan: ProjectPlan, result: DemoYearResult): Promise<void> {
  const code = plan.project.code;
  try {
    await registerProject(ctx, plan.project, 'seed');
    result.registered += 1;
  } catch (err) {
    if (!(err instanceof KeyflowError && err.type === FailureType.ProjectAlreadyRegistered)) throw err;
    result.already += 1;
  }
  for (const move of plan.moves) {
    await transitionProject(ctx, code, { requestId: move.requestId, to: move.to, ...(move.reason ? { reason: move.reason } : {}), actor: move.actor }).catch((err: unknown) => {
      // Already moved on (a later start of the demo): the stage change is history.
      if (!(err instanceof KeyflowError && (err.type === FailureType.IllegalTransition || err.type === FailureType.ProjectClosed))) throw err;
    });
  }
  for (const report of plan.reports) {
    await reportProgress(ctx, code, report);
    result.reportsFiled += 1;
  }
  if (plan.review.length > 0) await actOnReview(ctx, code, plan, result);
}

/** The departments act on the first stage's review once it has started. */
async function actOnReview(ctx: ClientContext, code: string, plan: ProjectPlan, result: DemoYearResult): Promise<void> {
  const review = await eventually(() => getReviewState(ctx, code, FIRST_STAGE));
  if (!review) {
    const state = await getProjectState(ctx, code).catch(() => null);
    const gap = state?.calendarGaps.find((g) => g.what.startsWith(`review:${FIRST_STAGE}:`));
    result.skipped.push(`${code} ${FIRST_STAGE}: ${gap?.message ?? 'the review did not start'}`);
    return;
  }
  for (const { input: action, missing, resubmit } of plan.review) {
    const task = review.tasks.find((t) => t.department === action.department);
    if (!task) continue;
    const listed = task.materials ?? [];
    const missingMaterials = missing ? (listed.length > 0 ? listed.slice(-missing) : ['补充材料']) : undefined;
    try {
      await actOnTask(ctx, code, FIRST_STAGE, { ...action, ...(missingMaterials ? { missingMaterials } : {}) });
      result.reviewActions += 1;
      if (resubmit && missingMaterials) {
        await resubmitTask(ctx, code, FIRST_STAGE, { requestId: resubmit.requestId, department: action.department, actor: resubmit.actor, materials: missingMaterials, note: resubmit.note });
        result.reviewActions += 1;
      }
    } catch (err) {
      // A review that has since been decided (a later start of the demo after the rejection) takes no new action.
      if (err instanceof KeyflowError && err.type === FailureType.TaskClosed) continue;
      throw err;
    }
  }
}

/**
 * The four-compare check (四比四看) of the month just ended, so the rankings page has a check to
 * show: run once per period (a later start finds it published and leaves it).
 */
export async function ensureDemoCheck(ctx: ClientContext, now: Date = new Date()): Promise<{ period: string; ran: boolean; skipped?: string }> {
  const period = addMonths(monthOf(shanghaiDate(now)), -1);
  try {
    if ((await latestChecks(ctx)).some((c) => c.period === period)) return { period, ran: false };
    await runFourCompareNow(ctx, period, { now });
    return { period, ran: true };
  } catch (err) {
    return { period, ran: false, skipped: `四比四看 ${period}: ${(err as Error)?.message ?? String(err)}` };
  }
}

/** The one-line summary the run command prints (Chinese: what a newcomer reads). */
export function demoYearSummary(r: DemoYearResult, seconds?: number): string {
  const months = r.reportedMonths ? `${r.reportedMonths.from} 至 ${r.reportedMonths.to}` : '本年度尚无已过月份';
  return (
    `演示数据：项目 ${r.registered + r.already} 个（本次登记 ${r.registered}，已有 ${r.already}），` +
    `月报 ${r.reportsFiled} 份（${months}，部分逾期未报），停滞 ${r.stalled} 个（自动督办），` +
    `审批办理 ${r.reviewActions} 次，超期审批 ${r.overdueReviews} 项` +
    (seconds !== undefined ? `，用时 ${seconds.toFixed(1)} 秒` : '') +
    (r.skipped.length > 0 ? `；未能完成 ${r.skipped.length} 项：${r.skipped.join('；')}` : '')
  );
}
