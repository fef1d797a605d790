import { z } from 'zod';
import { Wan, YearMonth } from './common';
import { ProjectCode, Stage } from './project';
import { County } from './reference';

/**
 * 四比四看 (four compare, four look): counties and districts are ranked on how their key
 * projects land, pair by pair ("compare X, look at Y"). The pairs, their weights and how the two
 * halves of a pair combine are configuration (seeds/four-compare.json); the metrics a pair may
 * name are implemented in domain/fourCompare.ts and listed here.
 */

/** A county, district or functional-zone id: a 6-digit division code or a slug (etdz, urdz, xicheng). */
export const CountyId = County.shape.id;
export type CountyId = z.infer<typeof CountyId>;

/** Peer group a county is ranked in beside the overall ranking (Zhoukou 2021: districts among districts). */
export const CountyKind = County.shape.kind;
export type CountyKind = z.infer<typeof CountyKind>;

const Count = z
  .number({ invalid_type_error: 'must be a whole number' })
  .int('must be a whole number')
  .nonnegative('must not be negative');

/** Stages at which a signed project counts as landed (落地). */
export const LANDED_STAGES: readonly Stage[] = ['started', 'underConstruction', 'completed', 'inProduction'];

/**
 * The facts about one project that a four-compare check needs, as the lifecycle workflow supplies
 * them for the period checked. "This year" is the calendar year of the check's period, up to and
 * including that month.
 */
export const ProjectFacts = z
  .object({
    code: ProjectCode,
    county: CountyId,
    /** The project's stage at the end of the period. */
    stage: Stage,
    /** 招商签约: the project comes from an investment contract signed this year. */
    signed: z.boolean(),
    /**
     * 落地: a signed project that has been registered as a key project and has reached `started`
     * or a later stage (not withdrawn). Only signed projects can land.
     */
    landed: z.boolean(),
    /** The annual key-project list plans the project to start construction this year (计划新开工). */
    plannedStartThisYear: z.boolean(),
    /** Construction actually started this year (实际开工). */
    startedThisYear: z.boolean(),
    /** 形象进度: physical progress in percent, 0–100. */
    physicalProgress: z.number().min(0, 'must be from 0 to 100 (%)').max(100, 'must be from 0 to 100 (%)'),
    /** 年度计划投资, 万元. */
    annualPlannedInvestment: Wan,
    /** Investment completed this year up to the period, 万元 (累计完成投资, year to date). */
    investmentCompletedThisYear: Wan,
    /** 资金到位: funds in place this year up to the period, 万元. */
    fundsInPlace: Wan,
    /** Approval tasks (联审联批) of the project closed this year. */
    approvalTasksClosed: Count,
    /** Of the closed tasks, those closed within their time limit (限时办结). */
    approvalTasksOnTime: Count,
    /** Working days the closed tasks took, summed (clock stops excluded). */
    approvalWorkingDaysUsed: z.number().finite().nonnegative('must not be negative'),
    /** Working days the closed tasks were allowed, summed. */
    approvalWorkingDaysAllowed: z.number().finite().nonnegative('must not be negative'),
  })
  .superRefine((f, ctx) => {
    if (f.landed && !f.signed) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['landed'], message: 'only a signed project can have landed — set signed or clear landed' });
    }
    if (f.landed && !LANDED_STAGES.includes(f.stage)) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['landed'],
        message: `a landed project must be started or later (started, underConstruction, completed, inProduction), not ${f.stage}`,
      });
    }
    if (f.approvalTasksOnTime > f.approvalTasksClosed) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['approvalTasksOnTime'], message: 'must not exceed approvalTasksClosed' });
    }
    if (f.approvalTasksClosed === 0 && (f.approvalWorkingDaysUsed > 0 || f.approvalWorkingDaysAllowed > 0)) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['approvalWorkingDaysUsed'],
        message: 'working days are counted for closed tasks only; with no closed task both must be 0',
      });
    }
  });
export type ProjectFacts = z.infer<typeof ProjectFacts>;

/**
 * Metrics implemented in domain/fourCompare.ts. A county's value is computed over its projects;
 * `null` means the county has no project the metric applies to (its score for the metric is 0).
 * - signedCount: number of signed projects (签约项目数).
 * - landedCount: number of landed projects (落地项目数).
 * - landingRate: landed ÷ signed (落地率); null without signed projects.
 * - startedCount: projects that started this year (开工项目数).
 * - startRate: of the projects planned to start this year, the share that started (开工率); null without planned starts.
 * - physicalProgressAvg: mean physical progress (形象进度, %) of projects in stage started or underConstruction; null without such projects.
 * - investmentCompleted: investment completed this year, 万元 (完成投资).
 * - investmentCompletionRate: Σ completed ÷ Σ annual planned investment (年度计划投资完成率); null when Σ plan is 0.
 * - fundsInPlaceRate: Σ funds in place ÷ Σ annual planned investment (资金到位率); null when Σ plan is 0.
 * - onTimeApprovalRate: Σ approval tasks closed on time ÷ Σ closed (按时办结率); null without closed tasks.
 * - approvalSpeed: share of the allowed working days saved, 1 − Σ used ÷ Σ allowed, clamped to 0–1 (审批提速率); null without closed tasks.
 */
export const MetricId = z.enum([
  'signedCount',
  'landedCount',
  'landingRate',
  'startedCount',
  'startRate',
  'physicalProgressAvg',
  'investmentCompleted',
  'investmentCompletionRate',
  'fundsInPlaceRate',
  'onTimeApprovalRate',
  'approvalSpeed',
]);
export type MetricId = z.infer<typeof MetricId>;

/**
 * How a metric's value is read. `rate` values are shares (1 = 100 %) and are capped at 1 before
 * normalising; `count`, `amount` (万元) and `percent` (0–100) are not capped.
 */
export type MetricKind = 'count' | 'amount' | 'percent' | 'rate';

export const METRICS: Readonly<Record<MetricId, { kind: MetricKind; name: string; nameEn: string }>> = {
  signedCount: { kind: 'count', name: '签约项目数', nameEn: 'Signed projects' },
  landedCount: { kind: 'count', name: '落地项目数', nameEn: 'Landed projects' },
  landingRate: { kind: 'rate', name: '落地率', nameEn: 'Landing rate' },
  startedCount: { kind: 'count', name: '开工项目数', nameEn: 'Projects started' },
  startRate: { kind: 'rate', name: '开工率', nameEn: 'Start rate' },
  physicalProgressAvg: { kind: 'percent', name: '平均形象进度', nameEn: 'Average physical progress (%)' },
  investmentCompleted: { kind: 'amount', name: '完成投资(万元)', nameEn: 'Investment completed (10k yuan)' },
  investmentCompletionRate: { kind: 'rate', name: '年度计划投资完成率', nameEn: 'Annual investment completion rate' },
  fundsInPlaceRate: { kind: 'rate', name: '资金到位率', nameEn: 'Funds-in-place rate' },
  onTimeApprovalRate: { kind: 'rate', name: '按时办结率', nameEn: 'On-time approval rate' },
  approvalSpeed: { kind: 'rate', name: '审批提速率', nameEn: 'Approval time saved' },
};

const Share = z.number().min(0, 'must be from 0 to 1').max(1, 'must be from 0 to 1');

/** One "compare X, look at Y" pair. */
export const FourComparePair = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lower-case letters, digits and dashes'),
    /** Chinese name as announced, e.g. 比签约看落地. */
    name: z.string().trim().min(2, 'must give the Chinese name, e.g. 比签约看落地').max(40),
    nameEn: z.string().trim().min(2, 'must give an English name').max(80),
    compare: MetricId,
    look: MetricId,
    /** The pair's share of `maxPoints`, in percent. Weights of all pairs add up to 100. */
    weight: z.number({ invalid_type_error: 'must be a number' }).finite().positive('must be more than 0'),
    /** Overrides the config's `compareShare` for this pair. */
    compareShare: Share.optional(),
  })
  .refine((p) => p.compare !== p.look, { path: ['look'], message: 'must name a different metric than compare' });
export type FourComparePair = z.infer<typeof FourComparePair>;

/**
 * The check's configuration. A pair is worth `maxPoints × weight / 100` points; its score is
 * `that × (compareShare × compareScore + (1 − compareShare) × lookScore)`, each metric score in 0–1.
 * Weights are NOT normalised: they must add up to 100, so the pairs together are worth `maxPoints`.
 */
export const FourCompareConfig = z
  .object({
    /** Points of a perfect county, all pairs together. Default 100. */
    maxPoints: z.number().finite().positive('must be more than 0').default(100),
    /** Share of a pair's points that comes from its compare metric; the rest from its look metric. Default 0.5. */
    compareShare: Share.default(0.5),
    pairs: z.array(FourComparePair).min(1, 'must list at least one pair'),
  })
  .superRefine((c, ctx) => {
    const seen = new Set<string>();
    c.pairs.forEach((p, i) => {
      if (seen.has(p.id)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['pairs', i, 'id'], message: `pair id ${p.id} is used twice` });
      seen.add(p.id);
    });
    const sum = c.pairs.reduce((s, p) => s + p.weight, 0);
    if (Math.abs(sum - 100) > 1e-6) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['pairs'],
        message: `weights must add up to 100 (they add up to ${Number(sum.toFixed(6))}); each weight is the pair's percent of maxPoints`,
      });
    }
  });
export type FourCompareConfigInput = z.input<typeof FourCompareConfig>;
export type FourCompareConfig = z.output<typeof FourCompareConfig>;

const MetricValue = z.object({
  metric: MetricId,
  /** The county's raw value (see MetricId); null when no project of the county is relevant. */
  value: z.number().nullable(),
  /** Normalised score 0–1: (capped) value ÷ best (capped) value among counties; 0 when value is null or the best is 0. */
  score: z.number().min(0).max(1),
});

/** A pair as configured, with the points it is worth, copied into the result for reports. */
export const PairSnapshot = z.object({
  id: z.string(),
  name: z.string(),
  nameEn: z.string(),
  compare: MetricId,
  look: MetricId,
  weight: z.number(),
  compareShare: Share,
  /** maxPoints × weight ÷ 100. */
  maxPoints: z.number(),
});
export type PairSnapshot = z.infer<typeof PairSnapshot>;

export const PairScore = z.object({
  pairId: z.string(),
  compare: MetricValue,
  look: MetricValue,
  /** Pair points, rounded to 2 decimals. */
  points: z.number().nonnegative(),
});
export type PairScore = z.infer<typeof PairScore>;

/**
 * A county's raw value of every metric (MetricId), all present: `null` only when the county has no
 * project the metric applies to (see MetricId). Checks recorded before every metric was kept are
 * read with null for the metrics they did not record (schemas/rankings.ts StoredCheckRecord).
 */
export const CountyMetrics = z.object(
  Object.fromEntries(MetricId.options.map((m) => [m, z.number().nullable()])) as Record<MetricId, z.ZodNullable<z.ZodNumber>>,
);
export type CountyMetrics = z.infer<typeof CountyMetrics>;

/** One county's line in a check. */
export const CountyCheckResult = z.object({
  county: CountyId,
  /** Chinese name at the time of the check. */
  name: z.string(),
  kind: CountyKind,
  /** Number of project facts counted for the county. */
  projectCount: z.number().int().nonnegative(),
  /** Raw value of every metric keyflow implements (not only those the configured pairs use). */
  metrics: CountyMetrics,
  pairs: z.array(PairScore),
  /** Σ of the rounded pair points, rounded to 2 decimals. */
  total: z.number().nonnegative(),
  /** Rank among all counties (see tieRule). */
  rank: z.number().int().positive(),
  /** Rank among counties of the same kind (district / county / functional zone). */
  peerRank: z.number().int().positive(),
  /**
   * previous rank − rank, against the latest earlier check with data: positive moved up, negative
   * moved down; null when no earlier check had data or the county had no line in it.
   */
  rankChange: z.number().int().nullable(),
  /** Same for the peer rank; null also when the county's kind changed. */
  peerRankChange: z.number().int().nullable(),
});
export type CountyCheckResult = z.infer<typeof CountyCheckResult>;

export const FourCompareResult = z.object({
  period: YearMonth,
  maxPoints: z.number().positive(),
  pairs: z.array(PairSnapshot),
  /**
   * 无数据: no key project the check applies to existed at the end of the period (none registered
   * by then in a ranked county). Nothing is ranked or scored: `counties` is empty and
   * `previousPeriod` null, and a later check measures its rank changes against an earlier check
   * with data.
   */
  noData: z.boolean(),
  /**
   * Period of the check rank changes are measured against: the latest earlier check that had
   * data; null when there is none (the first check with data) and for a check without data.
   */
  previousPeriod: YearMonth.nullable(),
  /** How ties are broken, in words (domain/ranking.ts TIE_RULE). */
  tieRule: z.string().min(1),
  /** In ranking order: rank ascending, ties by county id. Empty when `noData`. */
  counties: z.array(CountyCheckResult),
});
export type FourCompareResult = z.infer<typeof FourCompareResult>;
