import { z } from 'zod';
import { Instant, Slug, YearMonth } from './common';
import { ReviewStageId } from './jointReview';
import { Stall, WarningLevel } from './lifecycle';
import { ProjectCode, Stage } from './project';
import { CheckRecord, TourRecord } from './rankings';
import { County } from './reference';
import { Enterprise, UserId, UserRole } from './users';

/**
 * Shapes that exist only at the HTTP boundary (api/): error bodies, pages, query strings, the
 * token file and the answers the API assembles from several workflows. Payloads the workflows
 * take and give (ProjectInput, ProgressReport, ActOnTaskInput, MeetingView …) are reused from
 * their own modules, never restated here.
 */

// ---------------------------------------------------------------------------------------------
// Roles and tokens

/**
 * Who a token speaks for:
 * - department 职能部门: its own inbox and tasks, and the projects it leads;
 * - supervisor 督查: reads everything;
 * - meetingOffice 周例会办公室: agendas, decisions and follow-up items;
 * - admin: everything, including registering projects and managing users;
 * - enterprise 项目单位: its own projects only (their state and monthly reports).
 * A user's roles (schemas/users.ts UserRole) map onto one of these (api/users.ts accessRole).
 */
export const Role = z.enum(['department', 'supervisor', 'meetingOffice', 'admin', 'enterprise']);
export type Role = z.infer<typeof Role>;

/** `sha256:<salt, base64url>:<sha256(salt ‖ token), hex>` — the token itself is never stored. */
export const TokenHash = z
  .string()
  .regex(/^sha256:[A-Za-z0-9_-]{16,}:[0-9a-f]{64}$/, 'must be a hash printed by scripts/hash-token.ts (sha256:<salt>:<hex>)');

export const ApiTokenEntry = z
  .object({
    /** A name for logs and audit lines, e.g. `fgw-clerks`; never the token. */
    id: Slug,
    role: Role,
    /** The department a department token acts for (a department id of the reference data). */
    department: Slug.optional(),
    hash: TokenHash,
  })
  .superRefine((t, ctx) => {
    if (t.role === 'department' && t.department === undefined) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['department'], message: 'must name the department a department token acts for' });
    }
    if (t.role === 'enterprise') {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['role'], message: 'an enterprise (项目单位) is a user with its projects, not a service token: add it with keyflow users add' });
    }
    if (t.role !== 'department' && t.department !== undefined) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['department'], message: `only goes with role department (role is ${t.role})` });
    }
  });
export type ApiTokenEntry = z.infer<typeof ApiTokenEntry>;

/** The token file (KEYFLOW_API_TOKENS; seeds/api-tokens.json for the demo stack). */
export const ApiTokenFile = z
  .object({
    tokens: z.array(ApiTokenEntry).min(1, 'must list at least one token'),
  })
  .superRefine((f, ctx) => {
    const ids = new Set<string>();
    f.tokens.forEach((t, i) => {
      if (ids.has(t.id)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['tokens', i, 'id'], message: `duplicate token id "${t.id}"` });
      ids.add(t.id);
    });
  });
export type ApiTokenFile = z.infer<typeof ApiTokenFile>;

/**
 * The caller, as its credential says (`GET /whoami`): a service token of the token file
 * (`tokenId`, role, department), or a user signed in or presenting one of their tokens.
 */
export const Principal = z.object({
  /** The token presented; absent for a session. */
  tokenId: Slug.optional(),
  role: Role,
  department: Slug.optional(),
  /** The person, when the credential is a user's (session or user token). */
  userId: UserId.optional(),
  name: z.string().optional(),
  roles: z.array(UserRole).optional(),
  enterprise: Enterprise.optional(),
});
export type Principal = z.infer<typeof Principal>;

// ---------------------------------------------------------------------------------------------
// Errors and pages

/** Where a broken rule sits in the request. */
export const IssueLocation = z.enum(['body', 'query', 'path']);

export const ApiIssue = z.object({
  field: z.string(),
  rule: z.string(),
  in: IssueLocation.optional(),
  /** The field's Chinese label (字段中文名), e.g. 项目单位 for owner. */
  label: z.string().optional(),
  /** The issue as a person reads it, in Chinese: `项目单位（owner）：必填`. */
  message: z.string().optional(),
});
export type ApiIssue = z.infer<typeof ApiIssue>;

/**
 * Every refusal: `error` is a FailureType name (ValidationFailed, IllegalTransition …) or one of
 * Unauthorized, Forbidden, NotFound, Internal; `issues` name the fields and rules for 400s.
 */
export const ErrorBody = z.object({
  error: z.string(),
  /** In Chinese unless the request asked `Accept-Language: en`. */
  message: z.string(),
  /** The English message, for scripts written against it (absent when the message is English already). */
  messageEn: z.string().optional(),
  issues: z.array(ApiIssue),
  /** Only on a 500: the id its server log line carries. */
  incident: z.string().uuid().optional(),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

export const PAGE_LIMIT_MAX = 200;
export const PAGE_LIMIT_DEFAULT = 50;

/** `?limit=&cursor=` of every list endpoint. The cursor is opaque: pass back `nextCursor`. */
export const PageQuery = z.object({
  // A query value is a string: digits become a number first, so the range is the schema's own
  // (the OpenAPI document shows integer, minimum, maximum); anything else fails as not a number.
  limit: z
    .preprocess(
      (v) => (typeof v === 'string' && /^\d{1,9}$/.test(v) ? Number(v) : v),
      z
        .number({ invalid_type_error: 'must be a whole number' })
        .int('must be a whole number')
        .min(1, `must be between 1 and ${PAGE_LIMIT_MAX}`)
        .max(PAGE_LIMIT_MAX, `must be between 1 and ${PAGE_LIMIT_MAX}`),
    )
    .optional()
    .describe(`Items per page, 1–${PAGE_LIMIT_MAX}; default ${PAGE_LIMIT_DEFAULT}.`),
  cursor: z.string().min(1, 'must be the nextCursor of a previous page').max(512, 'must be the nextCursor of a previous page').optional().describe('The `nextCursor` of the previous page.'),
});

/** A page of a list; `nextCursor` is null on the last page. */
/**
 * How far behind the list's source, the read model (projections/), is: events on the topics not yet
 * applied when the list was read (null when Kafka did not answer in time), and when. Absent when
 * the list was read from the workflows themselves. Optional, so earlier clients keep working.
 */
export const ReadModelFreshness = z.object({ lag: z.number().int().nonnegative().nullable(), asOf: z.string() });
export type ReadModelFreshness = z.infer<typeof ReadModelFreshness>;

export function pageOf<T extends z.ZodTypeAny>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable(), readModel: ReadModelFreshness.optional() });
}

const BoolParam = z.enum(['true', 'false'], { errorMap: () => ({ message: 'must be true or false' }) }).transform((v) => v === 'true');

// ---------------------------------------------------------------------------------------------
// Path parameters

export const ProjectParams = z.object({ code: ProjectCode });
export const ReviewParams = z.object({ code: ProjectCode, stage: ReviewStageId });
export const TaskParams = z.object({ code: ProjectCode, stage: ReviewStageId, dept: Slug });
export const DepartmentParams = z.object({ dept: Slug });
/** ISO week of the meeting, e.g. `2026-W41`. */
export const IsoWeek = z.string().regex(/^\d{4}-W(0[1-9]|[1-4]\d|5[0-3])$/, 'must be an ISO week written YYYY-Www, e.g. 2026-W41');
export const WeekParams = z.object({ week: IsoWeek });
export const FollowUpParams = z.object({ id: z.string().min(1).max(64) });

// ---------------------------------------------------------------------------------------------
// Projects

export const ProjectListQuery = PageQuery.extend({
  stage: Stage.optional(),
  county: z.string().regex(/^(\d{6}|[a-z][a-z0-9-]+)$/, 'must be a county id').optional(),
  industry: z.string().regex(/^[a-z0-9-]+$/, 'must be an industry id').optional(),
  warning: WarningLevel.optional(),
  stalled: BoolParam.optional().describe('true: only stalled projects; false: only projects not stalled.'),
  includeClosed: BoolParam.optional().describe('Include projects that are closed (in production, withdrawn); default true.'),
});

/** A line of the project list, from Temporal visibility (search attributes). */
export const ProjectListing = z.object({
  code: ProjectCode,
  /** 项目名称; absent for a project registered before names were kept in the listing. */
  name: z.string().optional(),
  stage: z.string(),
  county: z.string(),
  industry: z.string(),
  warning: z.string(),
  stalled: z.boolean(),
  daysSinceReport: z.number().int().nullable(),
  completionRate: z.number().nullable(),
  /** The workflow's status: Running, or Completed once the project is closed. */
  status: z.string(),
});

export const Registered = z.object({ code: ProjectCode, workflowId: z.string(), runId: z.string() });
export const TransitionAnswer = z.object({ stage: Stage, seq: z.number().int() });
export const ReportAnswer = z.object({
  month: z.string(),
  correction: z.boolean(),
  warning: WarningLevel,
  stallCleared: z.boolean(),
  openProblemIds: z.array(z.string()),
});

// ---------------------------------------------------------------------------------------------
// Meetings

export const FollowUpListQuery = PageQuery.extend({
  status: z.enum(['open', 'closed']).optional(),
  department: Slug.optional().describe('Only items owned by this department (a department token sees only its own).'),
});

// ---------------------------------------------------------------------------------------------
// Supervision (督查)

/** A stalled project with its open supervision order (督办单). */
export const StalledProject = z.object({
  code: ProjectCode,
  name: z.string(),
  county: z.string(),
  countyName: z.string(),
  stage: Stage,
  leadDepartment: Slug,
  responsibleLeader: z.string(),
  warning: WarningLevel,
  stall: Stall,
});
export type StalledProject = z.infer<typeof StalledProject>;

/** Warning lights of the running projects of one county/district/zone. */
export const CountyWarnings = z.object({
  county: County.shape.id,
  name: z.string(),
  kind: County.shape.kind,
  green: z.number().int().nonnegative(),
  yellow: z.number().int().nonnegative(),
  red: z.number().int().nonnegative(),
  stalled: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
});
export type CountyWarnings = z.infer<typeof CountyWarnings>;

export const WarningGrid = z.object({ at: Instant, counties: z.array(CountyWarnings), readModel: ReadModelFreshness.optional() });
export type WarningGrid = z.infer<typeof WarningGrid>;

// ---------------------------------------------------------------------------------------------
// System

export const Health = z.object({
  status: z.enum(['ok', 'degraded']),
  temporal: z.enum(['ok', 'unreachable']),
  /** How far the read model (the lists' source) is behind the topics: events not yet applied; null when Kafka did not answer. */
  readModel: z.object({ lag: z.number().int().nonnegative().nullable(), at: z.string() }).optional(),
});

// ---------------------------------------------------------------------------------------------
// Rankings (四比四看, 观摩)

/** A published check without the worker-side report file paths. */
export const CheckSummary = CheckRecord.omit({ reports: true });
/** A published tour without the worker-side report file paths. */
export const TourSummary = TourRecord.omit({ reports: true });
export const RunCheckRequest = z.object({ period: YearMonth.describe('The month to check, YYYY-MM.') });
export const TourParams = z.object({ tourId: Slug });
export const TourOpened = z.object({ tourId: Slug, workflowId: z.string() });
