import { z } from 'zod';
import { Instant, LocalDate, Slug, Wan } from './common';
import { CountyId, CountyKind } from './fourCompare';
import { ProjectCode } from './project';

/**
 * 观摩 (inspection tours): a team of city and county leaders visits key projects, each inspector
 * fills a score sheet per project, the sheets are combined and the projects ranked overall, per
 * county/district and per peer group. Defaults (criteria, weights, eligibility) are "to confirm"
 * and live in seeds/inspection.json.
 */

/** One criterion of the score sheet. */
export const Criterion = z.object({
  id: Slug,
  /** Chinese name as printed on the sheet, e.g. 建设进度. */
  name: z.string().trim().min(2, 'must give the Chinese name').max(40),
  nameEn: z.string().trim().min(2, 'must give an English name').max(80),
  /** The criterion's share of the 100-point total, in percent. Weights of all criteria add up to 100. */
  weight: z.number({ invalid_type_error: 'must be a number' }).finite().positive('must be more than 0'),
  /** Highest score an inspector may write for the criterion (the sheet's own scale). */
  maxPoints: z.number({ invalid_type_error: 'must be a number' }).finite().positive('must be more than 0'),
});
export type Criterion = z.infer<typeof Criterion>;

export const InspectionConfig = z
  .object({
    criteria: z.array(Criterion).min(1, 'must list at least one criterion'),
    /** With at least this many sheets for a project, the highest and the lowest total are dropped. Default 5. */
    trimAt: z.number().int('must be a whole number').min(3, 'must be at least 3 so that a sheet remains after trimming').default(5),
    eligibility: z
      .object({
        /** A project must have completed at least this share of its total investment. Default 1/3 (Gansu 2015). */
        minInvestmentShare: z.number().min(0, 'must be from 0 to 1').max(1, 'must be from 0 to 1').default(1 / 3),
        /**
         * A project shown on a tour in the tour's year or in this many years before it is not shown again.
         * Default 3 (for a 2024 tour: not shown in 2021–2024).
         */
        excludeShownWithinYears: z.number().int('must be a whole number').nonnegative('must not be negative').default(3),
      })
      .default({}),
  })
  .superRefine((c, ctx) => {
    const seen = new Set<string>();
    c.criteria.forEach((cr, i) => {
      if (seen.has(cr.id)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['criteria', i, 'id'], message: `criterion id ${cr.id} is used twice` });
      seen.add(cr.id);
    });
    const sum = c.criteria.reduce((s, cr) => s + cr.weight, 0);
    if (Math.abs(sum - 100) > 1e-6) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['criteria'],
        message: `weights must add up to 100 (they add up to ${Number(sum.toFixed(6))})`,
      });
    }
  });
export type InspectionConfigInput = z.input<typeof InspectionConfig>;
export type InspectionConfig = z.output<typeof InspectionConfig>;

/** A tour: the projects visited and until when sheets are accepted. */
export const Tour = z
  .object({
    id: Slug,
    name: z.string().trim().min(2).max(200),
    /** First day of the tour. */
    date: LocalDate,
    /** Projects visited, in visiting order. */
    projects: z.array(ProjectCode).min(1, 'must visit at least one project'),
    /** Sheets submitted after this instant are late and refused. */
    closesAt: Instant,
    /** `closed` once the organisers closed scoring; no sheet is accepted any more. */
    status: z.enum(['open', 'closed']),
  })
  .refine((t) => new Set(t.projects).size === t.projects.length, { path: ['projects'], message: 'must not list a project twice' });
export type Tour = z.infer<typeof Tour>;

/** One inspector's sheet for one project. Score ranges are checked by validateSheet against the config. */
export const ScoreSheet = z.object({
  tourId: Slug,
  projectCode: ProjectCode,
  /** The inspector's account, e.g. `sw:li.ming`. */
  inspector: z.string().trim().min(1, 'must name the inspector').max(120),
  /** Points per criterion id. */
  scores: z.record(z.string(), z.number({ invalid_type_error: 'must be a number' })),
  submittedAt: Instant,
});
export type ScoreSheet = z.infer<typeof ScoreSheet>;

export const SheetErrorCode = z.enum([
  'wrongTour',
  'tourClosed',
  'lateSheet',
  'projectNotInTour',
  'duplicateSheet',
  'missingCriterion',
  'unknownCriterion',
  'scoreNotNumber',
  'scoreNegative',
  'scoreAboveMax',
]);
export type SheetErrorCode = z.infer<typeof SheetErrorCode>;

/** Why a sheet is refused; `field` is the path in the sheet, e.g. `scores.progress`. */
export const SheetError = z.object({ code: SheetErrorCode, field: z.string(), message: z.string() });
export type SheetError = z.infer<typeof SheetError>;

/** What scoring needs to know about a visited project. */
export const TourProject = z.object({
  code: ProjectCode,
  name: z.string().trim().min(2),
  /** 项目单位, shown in reports when given. */
  owner: z.string().trim().min(2).optional(),
  county: CountyId,
  countyName: z.string().min(2),
  /** Peer group: districts are ranked among districts, counties among counties. */
  kind: CountyKind,
});
export type TourProject = z.infer<typeof TourProject>;

export const SheetTotal = z.object({
  inspector: z.string(),
  /** Σ_c score_c ÷ maxPoints_c × weight_c, rounded to 2 decimals (100 scale). */
  total: z.number(),
  /** Dropped from the trimmed mean as the highest or the lowest total, else null. */
  dropped: z.enum(['highest', 'lowest']).nullable(),
});
export type SheetTotal = z.infer<typeof SheetTotal>;

export const TourProjectResult = z.object({
  projectCode: ProjectCode,
  name: z.string(),
  county: CountyId,
  countyName: z.string(),
  kind: CountyKind,
  /** Sheets by total ascending, ties by inspector. */
  sheets: z.array(SheetTotal).min(1),
  method: z.enum(['mean', 'trimmedMean']),
  /** Combined score, rounded to 2 decimals. */
  combined: z.number(),
  rank: z.number().int().positive(),
  /** Rank among the tour's projects of the same county/district/zone. */
  countyRank: z.number().int().positive(),
  /** Rank among projects whose county is of the same kind. */
  peerRank: z.number().int().positive(),
});
export type TourProjectResult = z.infer<typeof TourProjectResult>;

export const TourResult = z.object({
  tourId: Slug,
  tourName: z.string(),
  date: LocalDate,
  trimAt: z.number().int(),
  tieRule: z.string().min(1),
  /** Ranking order: rank ascending, ties by project code. */
  projects: z.array(TourProjectResult),
  /** Visited projects without any sheet: not ranked. */
  unscored: z.array(ProjectCode),
});
export type TourResult = z.infer<typeof TourResult>;

/** A candidate for a tour, as the eligibility rule needs it. */
export const TourCandidate = z.object({
  code: ProjectCode,
  totalInvestment: Wan,
  /** Investment completed since the project started, 万元 (累计完成投资). */
  investmentCompletedToDate: Wan,
});
export type TourCandidate = z.infer<typeof TourCandidate>;

/** Which projects earlier tours showed, and the year of the tour being planned. */
export const TourHistory = z.object({
  tourYear: z.number().int().min(2000).max(2100),
  shown: z.array(z.object({ projectCode: ProjectCode, year: z.number().int(), tourId: Slug.optional() })),
});
export type TourHistory = z.infer<typeof TourHistory>;

export const EligibilityReason = z.object({
  code: z.enum(['investmentShareTooLow', 'shownRecently', 'noTotalInvestment']),
  message: z.string(),
});
export const EligibilityDecision = z.object({ eligible: z.boolean(), reasons: z.array(EligibilityReason) });
export type EligibilityDecision = z.infer<typeof EligibilityDecision>;
