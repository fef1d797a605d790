import type { Generated } from 'kysely';

/**
 * The read model's tables (读模型). Every column is text, integer or double so that SQLite and
 * PostgreSQL hold the same values and one checksum compares them; flags are 0/1, instants ISO
 * text, lists JSON text. `*_version` columns hold the ordering key of the last event applied to
 * that part of a row (the event's time, or its own sequence): events on different topics about the
 * same subject can arrive in any order, and an older one must not overwrite a newer one.
 * Generated: the column has a default, an insert may leave it out.
 */
export interface ReadModelTables {
  /** Kafka offsets consumed, stored in the same transaction as the changes they caused. */
  consumer_offsets: { topic: string; partition: number; next_offset: string; updated_at: string };
  /** Every event applied, by its CloudEvents id: an event delivered twice is applied once. */
  applied_events: { event_id: string; topic: string; partition: number; offset: string; type: string; subject: string; time: string };
  /** Events the catalogue refused: kept, never dropped silently. */
  rejected_events: { topic: string; partition: number; offset: string; reason: string; raw: string };
  /** Projects (重点项目) as their lifecycle events describe them. */
  rm_projects: {
    code: string;
    name: string | null;
    county: string | null;
    lead_department: string | null;
    responsible_leader: string | null;
    industry: string | null;
    stage: string | null;
    stage_version: Generated<string>;
    closed: Generated<number>;
    registered_at: string | null;
    warning_level: Generated<string>;
    completion_rate: number | null;
    expected_rate: number | null;
    warning_at: string | null;
    red_since: string | null;
    warning_version: Generated<string>;
    stall_reason: string | null;
    stall_since: string | null;
    stall_detail: string | null;
    stall_order_id: string | null;
    stall_cleared_at: string | null;
    stall_version: Generated<string>;
    annual_planned_investment: number | null;
    annual_plan_year: number | null;
    last_report_month: string | null;
    last_report_at: string | null;
    /** new / continuing (新开工 / 续建), and the planned start: what a four-compare check counts. */
    category: string | null;
    planned_start: string | null;
    /** 0003: the listing day of a project brought over (YYYY-MM-DD), null otherwise. */
    listed_on: string | null;
  };
  /** Stage history (阶段变更), seq 0 the stage registered in. */
  rm_stage_changes: { project_code: string; seq: number; from_stage: string | null; to_stage: string; at: string };
  /** Every decision of a review task, of every attempt: the approval timeliness a check counts. */
  rm_review_decisions: {
    project_code: string;
    stage_id: string;
    department: string;
    decided_at: string;
    decision: string;
    late: number;
    working_days_used: number;
    limit_working_days: number;
  };
  /** Problems raised in monthly reports (存在问题), open until a report resolves them. */
  rm_open_problems: {
    project_code: string;
    problem_id: string;
    text: string;
    department: string | null;
    raised_in: string;
    raised_at: string;
    resolved_at: string | null;
  };
  /** Monthly reports (月报): the four-compare facts' investment figures. */
  rm_monthly_reports: {
    project_code: string;
    month: string;
    county: string;
    investment_this_month: number;
    investment_to_date: number;
    physical_progress: number;
    completion_rate: number;
    reported_at: string;
    corrections: Generated<number>;
  };
  /** Joint-review tasks (联审联批): one per project, stage and department — the department inboxes. */
  rm_review_tasks: {
    project_code: string;
    stage_id: string;
    department: string;
    project_name: string;
    lead_department: string;
    matter: string | null;
    /** open, returned, decided, cancelled */
    status: string;
    limit_working_days: number | null;
    accepted_at: string | null;
    deadline: string | null;
    deadline_date: string | null;
    overdue: Generated<number>;
    decision: string | null;
    decided_at: string | null;
    late: Generated<number>;
    /** ProvisionalMark as JSON, when the deadline was counted on provisional years. */
    provisional: string | null;
    working_days_left_at_pause: number | null;
    /** What a returned task asked for, JSON. */
    missing_materials: string | null;
    /** The materials the task was assigned with (申请材料清单), JSON; null from a `taskAssigned` before v2. */
    materials: string | null;
    version: string;
  };
  /** Approvals with missing materials (容缺): what the applicant still owes, by when. */
  rm_review_follow_ups: {
    project_code: string;
    stage_id: string;
    department: string;
    project_name: string;
    lead_department: string;
    missing_materials: string;
    due: string;
    due_date: string;
    /** open, closed, cancelled… as the review names it */
    status: string;
    overdue: Generated<number>;
    version: string;
  };
  /** The current attempt at a stage's review after re-applications (重新申请): its workflow id. */
  rm_review_attempts: { project_code: string; stage_id: string; attempt: number; workflow_id: string };
  /** Supervision orders (督办单). */
  rm_supervision_orders: {
    order_id: string;
    project_code: string;
    project_name: string | null;
    county: string | null;
    responsible_leader: string | null;
    lead_department: string | null;
    issued_at: string | null;
    due_date: string | null;
    reason: string | null;
    escalated_to: Generated<string>;
    closed_at: string | null;
    closed_because: string | null;
  };
  /** Weekly meetings (周例会) and their last compiled agenda. */
  rm_meetings: {
    meeting_id: string;
    week: string | null;
    meeting_date: string | null;
    status: string;
    agenda_round: string | null;
    agenda_items: number | null;
    follow_ups: number | null;
    version: string;
  };
  /** Follow-up items of meetings (督办事项), the whole item as JSON: they roll onto each agenda until closed. */
  rm_follow_up_items: { item_id: string; meeting_id: string; status: string; decided_at: string; item: string; version: string };
  /** Published four-compare checks and tour rankings (四比四看, 观摩排序), whole as published. */
  rm_rankings: { ranking_id: string; kind: string; subject: string; period: string | null; published_at: string; payload: string };
}

/** The tables a checksum covers: the model itself, and the offsets it reached. */
export const MODEL_TABLES = [
  'rm_projects',
  'rm_open_problems',
  'rm_monthly_reports',
  'rm_review_tasks',
  'rm_review_follow_ups',
  'rm_review_attempts',
  'rm_review_decisions',
  'rm_stage_changes',
  'rm_supervision_orders',
  'rm_meetings',
  'rm_follow_up_items',
  'rm_rankings',
] as const satisfies ReadonlyArray<keyof ReadModelTables>;

export type ModelTable = (typeof MODEL_TABLES)[number];

/** Primary keys, the order a checksum reads the rows in. */
export const PRIMARY_KEYS: Record<ModelTable | 'consumer_offsets' | 'applied_events', readonly string[]> = {
  rm_projects: ['code'],
  rm_open_problems: ['project_code', 'problem_id'],
  rm_monthly_reports: ['project_code', 'month'],
  rm_review_tasks: ['project_code', 'stage_id', 'department'],
  rm_review_follow_ups: ['project_code', 'stage_id', 'department'],
  rm_review_attempts: ['project_code', 'stage_id'],
  rm_review_decisions: ['project_code', 'stage_id', 'department', 'decided_at'],
  rm_stage_changes: ['project_code', 'seq'],
  rm_supervision_orders: ['order_id'],
  rm_meetings: ['meeting_id'],
  rm_follow_up_items: ['item_id'],
  rm_rankings: ['ranking_id'],
  consumer_offsets: ['topic', 'partition'],
  applied_events: ['event_id'],
};
