import { getReviewState } from '../client/reviews';
import type { ClientContext } from '../client/projects';
import type { ProjectInput } from '../schemas/project';
import type { ActOnTaskInputRaw, ReviewStageInput } from '../schemas/jointReview';
import { loadJointReviewConfig } from '../seeds/jointReview';
import { reviewStageInput } from '../workflows/review/messages';

/** The stage every benchmarked review runs: 立项用地规划许可, with five departments. */
export const BENCH_STAGE = 'landUsePlanning' as const;

/**
 * The five departments of a benchmarked review: the seed stage's four plus 住建 (zjj). Every
 * task gets 5 working days (not the seed's 10–20), so the deadlines stay inside a year the
 * calendar knows for all but the last week of a year whose successor's notice is missing.
 */
export const BENCH_DEPARTMENTS = ['fgw', 'zrzy', 'sthj', 'sl', 'zjj'] as const;
const LIMIT_WORKING_DAYS = 5;

const config = loadJointReviewConfig();

/** A unique, valid national project code per serial number (one fresh stack per run). */
export function benchCode(serial: number, series = '03'): string {
  return `2026-411122-13-${series}-${String(serial).padStart(6, '0')}`;
}

export function benchReview(code: string): ReviewStageInput {
  const input = reviewStageInput({ code, name: '华润怡宝六十万吨纯净水项目', county: '411122', leadDepartment: 'fgw' }, config, BENCH_STAGE, 'xzsp:bench');
  const matters = new Map(input.stage.participants.map((p) => [p.department, p.matter]));
  input.stage = {
    ...input.stage,
    participants: BENCH_DEPARTMENTS.map((department) => ({
      department,
      limitWorkingDays: LIMIT_WORKING_DAYS,
      matter: matters.get(department) ?? '初步设计审查',
    })),
  };
  return input;
}

/** A department's approval; the request id is fixed per (project, department), so a retry repeats it. */
export function approval(code: string, department: string): ActOnTaskInputRaw {
  return { requestId: `${code}:${department}:approve`, department, actor: { by: `${department}:bench`, department }, action: 'approve' };
}

/** A project in preliminary work (前期): registering it starts its first joint-review stage at once. */
export function benchProject(code: string): ProjectInput {
  return {
    code,
    name: '华润怡宝六十万吨纯净水项目',
    owner: '华润怡宝饮料（漯河）有限公司',
    county: '411122',
    industry: 'food-beverage',
    category: 'preliminary',
    totalInvestment: 120000,
    annualPlannedInvestment: 60000,
    plannedStart: '2027-03-01',
    plannedCompletion: '2028-06-30',
    responsibleLeader: '副市长 王某',
    leadDepartment: 'fgw',
    contacts: [],
    stage: 'preliminary',
  };
}

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function pool<T>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

export const range = (from: number, count: number): number[] => Array.from({ length: count }, (_, i) => from + i);

/**
 * Waits until a just-started review answers its state query: its deadlines are counted. The
 * fault tests wait so before they act; an action sent earlier is not refused (the update handlers
 * are registered before the first await and queue behind the start), and the throughput bench does not wait.
 */
export async function reviewAnswers(ctx: ClientContext, code: string, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      await getReviewState(ctx, code, BENCH_STAGE);
      return;
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
