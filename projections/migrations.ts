import { type Kysely, type Migration, type MigrationProvider } from 'kysely';

/**
 * Versioned migrations of the read model, run by kysely's Migrator on open. A migration once
 * released is never edited: a change is a new entry. Types are the ones both databases share
 * (text, integer, double precision), so one checksum compares SQLite and PostgreSQL.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run before the typed schema exists
type AnyDb = Kysely<any>;

const MIGRATIONS: Record<string, Migration> = {
  '0001_read_model': {
    async up(db: AnyDb) {
      await db.schema
        .createTable('consumer_offsets')
        .addColumn('topic', 'text', (c) => c.notNull())
        .addColumn('partition', 'integer', (c) => c.notNull())
        .addColumn('next_offset', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('consumer_offsets_pk', ['topic', 'partition'])
        .execute();
      await db.schema
        .createTable('applied_events')
        .addColumn('event_id', 'text', (c) => c.primaryKey())
        .addColumn('topic', 'text', (c) => c.notNull())
        .addColumn('partition', 'integer', (c) => c.notNull())
        .addColumn('offset', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('time', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('rejected_events')
        .addColumn('topic', 'text', (c) => c.notNull())
        .addColumn('partition', 'integer', (c) => c.notNull())
        .addColumn('offset', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('raw', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('rejected_events_pk', ['topic', 'partition', 'offset'])
        .execute();
      await db.schema
        .createTable('rm_projects')
        .addColumn('code', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text')
        .addColumn('county', 'text')
        .addColumn('lead_department', 'text')
        .addColumn('responsible_leader', 'text')
        .addColumn('industry', 'text')
        .addColumn('stage', 'text')
        .addColumn('stage_version', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('closed', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('registered_at', 'text')
        .addColumn('warning_level', 'text', (c) => c.notNull().defaultTo('green'))
        .addColumn('completion_rate', 'double precision')
        .addColumn('expected_rate', 'double precision')
        .addColumn('warning_at', 'text')
        .addColumn('red_since', 'text')
        .addColumn('warning_version', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('stall_reason', 'text')
        .addColumn('stall_since', 'text')
        .addColumn('stall_detail', 'text')
        .addColumn('stall_order_id', 'text')
        .addColumn('stall_cleared_at', 'text')
        .addColumn('stall_version', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('annual_planned_investment', 'double precision')
        .addColumn('annual_plan_year', 'integer')
        .addColumn('last_report_month', 'text')
        .addColumn('last_report_at', 'text')
        .addColumn('category', 'text')
        .addColumn('planned_start', 'text')
        .execute();
      await db.schema
        .createTable('rm_stage_changes')
        .addColumn('project_code', 'text', (c) => c.notNull())
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('from_stage', 'text')
        .addColumn('to_stage', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('rm_stage_changes_pk', ['project_code', 'seq'])
        .execute();
      await db.schema
        .createTable('rm_review_decisions')
        .addColumn('project_code', 'text', (c) => c.notNull())
        .addColumn('stage_id', 'text', (c) => c.notNull())
        .addColumn('department', 'text', (c) => c.notNull())
        .addColumn('decided_at', 'text', (c) => c.notNull())
        .addColumn('decision', 'text', (c) => c.notNull())
        .addColumn('late', 'integer', (c) => c.notNull())
        .addColumn('working_days_used', 'integer', (c) => c.notNull())
        .addColumn('limit_working_days', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('rm_review_decisions_pk', ['project_code', 'stage_id', 'department', 'decided_at'])
        .execute();
      await db.schema.createIndex('rm_projects_county').on('rm_projects').column('county').execute();
      await db.schema
        .createTable('rm_open_problems')
        .addColumn('project_code', 'text', (c) => c.notNull())
        .addColumn('problem_id', 'text', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('department', 'text')
        .addColumn('raised_in', 'text', (c) => c.notNull())
        .addColumn('raised_at', 'text', (c) => c.notNull())
        .addColumn('resolved_at', 'text')
        .addPrimaryKeyConstraint('rm_open_problems_pk', ['project_code', 'problem_id'])
        .execute();
      await db.schema
        .createTable('rm_monthly_reports')
        .addColumn('project_code', 'text', (c) => c.notNull())
        .addColumn('month', 'text', (c) => c.notNull())
        .addColumn('county', 'text', (c) => c.notNull())
        .addColumn('investment_this_month', 'double precision', (c) => c.notNull())
        .addColumn('investment_to_date', 'double precision', (c) => c.notNull())
        .addColumn('physical_progress', 'double precision', (c) => c.notNull())
        .addColumn('completion_rate', 'double precision', (c) => c.notNull())
        .addColumn('reported_at', 'text', (c) => c.notNull())
        .addColumn('corrections', 'integer', (c) => c.notNull().defaultTo(0))
        .addPrimaryKeyConstraint('rm_monthly_reports_pk', ['project_code', 'month'])
        .execute();
      for (const table of ['rm_review_tasks', 'rm_review_follow_ups']) {
        let t = db.schema
          .createTable(table)
          .addColumn('project_code', 'text', (c) => c.notNull())
          .addColumn('stage_id', 'text', (c) => c.notNull())
          .addColumn('department', 'text', (c) => c.notNull())
          .addColumn('project_name', 'text', (c) => c.notNull())
          .addColumn('lead_department', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('overdue', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('version', 'text', (c) => c.notNull());
        t =
          table === 'rm_review_tasks'
            ? t
                .addColumn('matter', 'text')
                .addColumn('limit_working_days', 'integer')
                .addColumn('accepted_at', 'text')
                .addColumn('deadline', 'text')
                .addColumn('deadline_date', 'text')
                .addColumn('decision', 'text')
                .addColumn('decided_at', 'text')
                .addColumn('late', 'integer', (c) => c.notNull().defaultTo(0))
                .addColumn('provisional', 'text')
                .addColumn('working_days_left_at_pause', 'integer')
                .addColumn('missing_materials', 'text')
            : t.addColumn('missing_materials', 'text', (c) => c.notNull()).addColumn('due', 'text', (c) => c.notNull()).addColumn('due_date', 'text', (c) => c.notNull());
        await t.addPrimaryKeyConstraint(`${table}_pk`, ['project_code', 'stage_id', 'department']).execute();
        await db.schema.createIndex(`${table}_inbox`).on(table).columns(['department', 'status']).execute();
      }
      await db.schema
        .createTable('rm_review_attempts')
        .addColumn('project_code', 'text', (c) => c.notNull())
        .addColumn('stage_id', 'text', (c) => c.notNull())
        .addColumn('attempt', 'integer', (c) => c.notNull())
        .addColumn('workflow_id', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('rm_review_attempts_pk', ['project_code', 'stage_id'])
        .execute();
      await db.schema
        .createTable('rm_supervision_orders')
        .addColumn('order_id', 'text', (c) => c.primaryKey())
        .addColumn('project_code', 'text', (c) => c.notNull())
        .addColumn('project_name', 'text')
        .addColumn('county', 'text')
        .addColumn('responsible_leader', 'text')
        .addColumn('lead_department', 'text')
        .addColumn('issued_at', 'text')
        .addColumn('due_date', 'text')
        .addColumn('reason', 'text')
        .addColumn('escalated_to', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('closed_at', 'text')
        .addColumn('closed_because', 'text')
        .execute();
      await db.schema
        .createTable('rm_meetings')
        .addColumn('meeting_id', 'text', (c) => c.primaryKey())
        .addColumn('week', 'text')
        .addColumn('meeting_date', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('agenda_round', 'text')
        .addColumn('agenda_items', 'integer')
        .addColumn('follow_ups', 'integer')
        .addColumn('version', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('rm_follow_up_items')
        .addColumn('item_id', 'text', (c) => c.primaryKey())
        .addColumn('meeting_id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('decided_at', 'text', (c) => c.notNull())
        .addColumn('item', 'text', (c) => c.notNull())
        .addColumn('version', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('rm_rankings')
        .addColumn('ranking_id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('period', 'text')
        .addColumn('published_at', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .execute();
    },
    async down(db: AnyDb) {
      for (const t of [
        'rm_rankings',
        'rm_follow_up_items',
        'rm_meetings',
        'rm_supervision_orders',
        'rm_review_follow_ups',
        'rm_review_tasks',
        'rm_review_attempts',
        'rm_review_decisions',
        'rm_stage_changes',
        'rm_monthly_reports',
        'rm_open_problems',
        'rm_projects',
        'rejected_events',
        'applied_events',
        'consumer_offsets',
      ]) {
        await db.schema.dropTable(t).ifExists().execute();
      }
    },
  },
  /**
   * The materials a task was assigned with (申请材料清单, JSON), from `taskAssigned` v2; null for a
   * task whose event is older (the inbox then lists the configuration's).
   */
  '0002_task_materials': {
    async up(db: AnyDb) {
      await db.schema.alterTable('rm_review_tasks').addColumn('materials', 'text').execute();
    },
    async down(db: AnyDb) {
      await db.schema.alterTable('rm_review_tasks').dropColumn('materials').execute();
    },
  },
  /** The listing day of a project brought over (纳入重点项目管理日期): the four-compare facts count it from then. */
  '0003_project_listed_on': {
    async up(db: AnyDb) {
      await db.schema.alterTable('rm_projects').addColumn('listed_on', 'text').execute();
    },
    async down(db: AnyDb) {
      await db.schema.alterTable('rm_projects').dropColumn('listed_on').execute();
    },
  },
};

export const migrationProvider: MigrationProvider = { getMigrations: () => Promise.resolve(MIGRATIONS) };
