import { z } from 'zod';
import { Actor, Instant, LocalDate, Slug, YearMonth } from './common';
import { FourCompareConfig, FourCompareResult, MetricId, ProjectFacts } from './fourCompare';
import { InspectionConfig, ScoreSheet, TourProject, TourResult } from './inspection';
import { ProjectCode } from './project';
import { County } from './reference';
import { CompiledLag } from './readModel';

/**
 * What crosses the boundaries of the ranking workflows: 四比四看 checks (monthly, on a Temporal
 * Schedule, or on demand), 观摩 inspection tours, and the registry that keeps the latest of both.
 * The scoring itself is pure (domain/fourCompare.ts, domain/inspection.ts).
 */

/** Where an activity wrote a report: absolute paths on the worker's host. */
export const ReportPaths = z.object({ html: z.string().min(1), csv: z.string().min(1) });
export type ReportPaths = z.infer<typeof ReportPaths>;

/** How the rankings registry (`keyflow-rankings`) keeps its history; taken from the run that starts it. */
export const RegistrySettings = z.object({
  /** Checks (one per period, the latest run) and tours kept for queries. Default 12. */
  keep: z.number().int('must be a whole number').min(1, 'must keep at least 1').max(120, 'must be at most 120').default(12),
  /** The registry continues as new once its history has this many events. Default 1000. */
  continueAsNewAfterEvents: z.number().int('must be a whole number').min(10, 'must be at least 10').default(1000),
});
export type RegistrySettingsInput = z.input<typeof RegistrySettings>;
export type RegistrySettings = z.output<typeof RegistrySettings>;

// ---------------------------------------------------------------------------------------------
// 四比四看 checks

/** Id of a check's workflow, reports and registry entry: `four-compare-2026-03`, re-runs `four-compare-2026-03-2`. */
export const CheckId = z.string().regex(/^four-compare-\d{4}-(0[1-9]|1[0-2])(-[1-9]\d*)?$/, 'must be four-compare-YYYY-MM or four-compare-YYYY-MM-<n>');

/** Input of one check (workflow `fourCompareCheck`, id = the check id). */
export const FourCompareCheckInput = z.object({
  period: YearMonth,
  config: FourCompareConfig,
  registry: RegistrySettings.default({}),
});
export type FourCompareCheckInputRaw = z.input<typeof FourCompareCheckInput>;
export type FourCompareCheckInput = z.output<typeof FourCompareCheckInput>;

/** Input of the monthly trigger the Temporal Schedule starts (`fourCompareMonthly`): it checks the previous month. */
export const FourCompareMonthlyInput = z.object({
  config: FourCompareConfig,
  registry: RegistrySettings.default({}),
});
export type FourCompareMonthlyInputRaw = z.input<typeof FourCompareMonthlyInput>;

/** The live data a check is computed from, as gathered by the `gatherProjectFacts` activity (recorded in history). */
export const GatheredFacts = z.object({
  period: YearMonth,
  /** When the facts were read (the worker's clock). */
  readAt: Instant,
  /** Counties, districts and zones ranked, from the reference data at reading time. */
  counties: z.array(County).min(1),
  facts: z.array(ProjectFacts),
  /** Projects found but not counted, and why (e.g. registered after the period). */
  skipped: z.array(z.object({ code: z.string(), reason: z.string() })),
  /** Read from the read model: its lag then; null or absent when read from the workflows' own state. */
  readModel: CompiledLag.nullable().optional(),
});
export type GatheredFacts = z.infer<typeof GatheredFacts>;

/** A published check, as the registry keeps it and the check workflow returns it. */
export const CheckRecord = z.object({
  checkId: CheckId,
  period: YearMonth,
  completedAt: Instant,
  result: FourCompareResult,
  reports: ReportPaths,
  /**
   * The read model's lag when the facts were read from it (读模型滞后); null when they were read
   * from the workflows' own state; absent in checks published before keyflow recorded it.
   */
  readModel: CompiledLag.nullable().optional(),
});
export type CheckRecord = z.infer<typeof CheckRecord>;

/**
 * A check record as the registry may still hold it, read into today's CheckRecord. Records
 * published before keyflow kept every metric and the no-data flag are upgraded with what they
 * say, never with invented figures:
 * - a metric they did not record (one the configured pairs did not use) reads as null;
 * - without `noData`, a check in which no county had a project is the no-data check it was
 *   (its ranks — every county 1st — and zero scores are dropped), any other check has data.
 * Current records pass unchanged.
 */
export const StoredCheckRecord = z.preprocess(upgradeLegacyCheck, CheckRecord);

function upgradeLegacyCheck(raw: unknown): unknown {
  if (!isObject(raw) || !isObject(raw.result) || !Array.isArray(raw.result.counties)) return raw;
  const result = raw.result;
  const counties = result.counties as unknown[];
  if (result.noData === undefined && !counties.some((c) => isObject(c) && typeof c.projectCount === 'number' && c.projectCount > 0)) {
    return { ...raw, result: { ...result, noData: true, previousPeriod: null, counties: [] } };
  }
  const filled = counties.map((c) =>
    isObject(c) && isObject(c.metrics) ? { ...c, metrics: Object.fromEntries(MetricId.options.map((m) => [m, (c.metrics as Record<string, unknown>)[m] ?? null])) } : c,
  );
  return { ...raw, result: { ...result, noData: result.noData ?? false, counties: filled } };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Settings of the monthly Temporal Schedule of the check. Times are Asia/Shanghai unless changed. */
export const FourCompareScheduleConfig = z.object({
  /** Day of the month the check runs for the previous month: after the monthly reports are in. Default 5 (to confirm). */
  dayOfMonth: z.number().int('must be a whole day').min(1, 'must be from 1 to 28').max(28, 'must be from 1 to 28 (every month has it)').default(5),
  /** Time of day, HH:MM. Default 09:00. */
  time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day HH:MM').default('09:00'),
  timeZone: z.string().min(1).default('Asia/Shanghai'),
  /** The check's configuration; seeds/four-compare.json when left out. */
  fourCompare: FourCompareConfig.optional(),
  registry: RegistrySettings.default({}),
});
export type FourCompareScheduleConfigInput = z.input<typeof FourCompareScheduleConfig>;

// ---------------------------------------------------------------------------------------------
// 观摩 inspection tours

/** Input of one tour (workflow `inspectionTour`, id `tour-<tourId>`). */
export const InspectionTourInput = z
  .object({
    tourId: Slug,
    name: z.string().trim().min(2, 'must name the tour').max(200),
    /** First day of the tour. */
    date: LocalDate,
    /** Projects visited, in visiting order, with what the ranking shows of them. */
    projects: z.array(TourProject).min(1, 'must visit at least one project'),
    config: InspectionConfig,
    /** Sheets are accepted until this instant; the tour then closes by itself. */
    closesAt: Instant,
    /** Who may close the tour early; anyone when empty. */
    organisers: z.array(z.string().trim().min(1)).default([]),
    registry: RegistrySettings.default({}),
  })
  .superRefine((t, ctx) => {
    const seen = new Set<string>();
    t.projects.forEach((p, i) => {
      if (seen.has(p.code)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['projects', i, 'code'], message: `project ${p.code} is listed twice` });
      seen.add(p.code);
    });
  });
export type InspectionTourInputRaw = z.input<typeof InspectionTourInput>;
export type InspectionTourInput = z.output<typeof InspectionTourInput>;

/** An inspector's sheet as submitted: the tour stamps the tour id and the time it received it. */
export const SubmitSheetInput = z.object({
  projectCode: ProjectCode,
  /** The inspector's account, e.g. `sw:li.ming`. */
  inspector: z.string().trim().min(1, 'must name the inspector').max(120),
  /** Points per criterion id. */
  scores: z.record(z.string(), z.number({ invalid_type_error: 'must be a number' })),
});
export type SubmitSheetInput = z.infer<typeof SubmitSheetInput>;

export const SubmitSheetResult = z.object({
  tourId: Slug,
  projectCode: ProjectCode,
  inspector: z.string(),
  submittedAt: Instant,
  /** The sheet's total on the 100 scale (domain/inspection.ts sheetTotal). */
  total: z.number(),
  /** Sheets accepted for this project so far, this one included. */
  sheetsForProject: z.number().int().positive(),
});
export type SubmitSheetResult = z.infer<typeof SubmitSheetResult>;

export const CloseTourInput = z.object({
  actor: Actor,
  reason: z.string().trim().max(2000).optional(),
});
export type CloseTourInput = z.input<typeof CloseTourInput>;

/** A published tour, as the registry keeps it and the tour workflow returns it. */
export const TourRecord = z.object({
  tourId: Slug,
  name: z.string(),
  date: LocalDate,
  closedAt: Instant,
  /** The organiser who closed it, or `system:deadline` when it closed at closesAt. */
  closedBy: z.string(),
  result: TourResult,
  reports: ReportPaths,
});
export type TourRecord = z.infer<typeof TourRecord>;

/**
 * A tour as it stands (the `getTour` query): open for sheets, closed (scoring and publishing),
 * or published with its ranking and reports.
 */
export const TourView = z.object({
  tourId: Slug,
  name: z.string(),
  date: LocalDate,
  closesAt: Instant,
  status: z.enum(['open', 'closed', 'published']),
  projects: z.array(TourProject),
  criteria: z.array(z.object({ id: z.string(), name: z.string(), maxPoints: z.number(), weight: z.number() })),
  trimAt: z.number().int(),
  sheets: z.array(ScoreSheet),
  closedAt: Instant.nullable(),
  closedBy: z.string().nullable(),
  record: TourRecord.nullable(),
});
export type TourView = z.infer<typeof TourView>;

// ---------------------------------------------------------------------------------------------
// Reports

/** What the `writeRankingReport` activity renders: a check or a tour, under its id. */
export const ReportRequest = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('check'),
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,120}$/, 'must be a file-safe id'),
    result: FourCompareResult,
    counties: z.array(County),
    /** The read model's lag the facts were read with, stated on the report (absent: not recorded). */
    readModel: CompiledLag.nullable().optional(),
  }),
  z.object({ kind: z.literal('tour'), id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,120}$/, 'must be a file-safe id'), result: TourResult, projects: z.array(TourProject) }),
]);
export type ReportRequest = z.infer<typeof ReportRequest>;
