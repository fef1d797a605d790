import { z } from 'zod';
import { LocalDate, Slug, Text, Wan } from './common';

/**
 * The national project code (项目代码) from the national online approval and supervision
 * platform: `YYYY-AAAAAA-II-TT-NNNNNN` — year issued, 6-digit division code, 2-digit industry
 * code, project type (01 审批 approval, 02 核准 ratification, 03 备案 filing), 6-digit serial.
 */
export const ProjectCode = z
  .string({ required_error: 'is required', invalid_type_error: 'must be a string' })
  .trim()
  .regex(
    /^(19|20)\d{2}-\d{6}-\d{2}-0[123]-\d{6}$/,
    'must be a national project code YYYY-AAAAAA-II-TT-NNNNNN with type 01, 02 or 03 (e.g. 2020-411122-13-03-000123)',
  );
export type ProjectCode = z.infer<typeof ProjectCode>;

/**
 * Stages of a key project's life, in order. `withdrawn` (退库) ends a project early.
 * - conceived 谋划 · reserve 储备 · preliminary 前期 · started 新开工 · underConstruction 在建/续建
 * - completed 竣工 · inProduction 投产 · withdrawn 退库/撤销
 */
export const Stage = z.enum([
  'conceived',
  'reserve',
  'preliminary',
  'started',
  'underConstruction',
  'completed',
  'inProduction',
  'withdrawn',
]);
export type Stage = z.infer<typeof Stage>;

/** How the annual key-project list groups a project: new start (新开工), continuing (续建), preliminary (前期). */
export const ProjectCategory = z.enum(['new', 'continuing', 'preliminary']);
export type ProjectCategory = z.infer<typeof ProjectCategory>;

export const Contact = z.object({
  name: Text(z.string().trim().min(1, 'must name the contact')),
  role: Text(z.string().trim().min(1).max(60)),
  phone: z.string().regex(/^1\d{10}$|^0\d{2,3}-?\d{7,8}$/, 'must be a mainland mobile (11 digits) or landline number'),
});
export type Contact = z.infer<typeof Contact>;

const ProjectFields = z.object({
  code: ProjectCode,
  name: Text(z.string().trim().min(2, 'must be at least 2 characters').max(200)),
  /** The enterprise that owns and builds the project (项目单位). */
  owner: Text(z.string().trim().min(2, 'must name the owning enterprise').max(200)),
  /** County, district or functional zone id from seeds/reference.json. */
  county: z.string().regex(/^(\d{6}|[a-z][a-z0-9-]+)$/, 'must be a county id from the reference data'),
  /** Industry id of the 1+8+N system from seeds/reference.json. */
  industry: Slug,
  category: ProjectCategory,
  /** Total investment in 万元. */
  totalInvestment: Wan.refine((n) => n > 0, 'must be more than 0'),
  /** This year's planned investment in 万元 (年度计划投资). */
  annualPlannedInvestment: Wan,
  plannedStart: LocalDate,
  plannedCompletion: LocalDate,
  /** The city leader responsible for the project (分包市领导). */
  responsibleLeader: Text(z.string().trim().min(1, 'must name the responsible city leader')),
  /** Lead department (牵头部门), a department id. */
  leadDepartment: Slug,
  contacts: z.array(Contact).max(10).default([]),
  /** Stage the project is in when registered; continuing projects enter already under construction. */
  stage: Stage.exclude(['withdrawn']).default('conceived'),
  /**
   * 纳入重点项目管理日期: for a project brought over from the city's earlier ledger, the day this plan
   * year's key-project list took it in. keyflow then counts its time in its stage and its monthly
   * reports (due from that month on) from this day, not from the day it was registered here. Not
   * after today, not before 1 January of the current year (client/projects.ts checks it on the clock).
   */
  listedOn: LocalDate.optional(),
  /**
   * 受理日期 of an approval already in flight, for a project registered in preliminary work: the day the
   * window accepted its first stage's application, so the departments' working-day deadlines count
   * from it (a review accepted weeks ago may already be overdue). Not after today, at most a year back.
   */
  reviewAcceptedOn: LocalDate.optional(),
});

/** A project as submitted for registration (项目入库). */
export const ProjectInput = ProjectFields.superRefine((p, ctx) => {
  if (p.annualPlannedInvestment > p.totalInvestment) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      path: ['annualPlannedInvestment'],
      message: 'must not exceed totalInvestment',
    });
  }
  if (p.plannedCompletion < p.plannedStart) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['plannedCompletion'], message: 'must not be before plannedStart' });
  }
  if (p.reviewAcceptedOn !== undefined && (p.stage ?? 'conceived') !== 'preliminary') {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['reviewAcceptedOn'], message: 'only goes with a project registered in preliminary work (stage preliminary)' });
  }
});
export type ProjectInput = z.input<typeof ProjectInput>;
export type Project = z.output<typeof ProjectInput>;

/** Shape without cross-field rules, for composition (`.pick`, `.partial`). */
export const ProjectShape = ProjectFields;
