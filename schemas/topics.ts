/**
 * Kafka topics keyflow writes. Every event of one project is keyed by its project code, so
 * one project's events land on one partition and stay in order.
 */
export const TOPICS = {
  /** Project lifecycle: registration, stage changes, progress reports, warnings, stalls. */
  projects: 'keyflow.projects',
  /** Joint review and approval (联审联批): assignments, decisions, reminders, overdue. */
  reviews: 'keyflow.reviews',
  /** Weekly meeting (周例会): agendas, decisions, follow-up items. */
  meetings: 'keyflow.meetings',
  /** Reminders to be delivered to people (chat robots) by the notifier. */
  reminders: 'keyflow.reminders',
  /** Reminders the notifier could not deliver after all its retries. */
  remindersDeadLetter: 'keyflow.reminders.dlq',
  /** Four-compare checks (四比四看) and inspection-tour rankings (观摩排序). */
  rankings: 'keyflow.rankings',
  /** Supervision (督查): escalations and supervision orders (督办单). */
  supervision: 'keyflow.supervision',
} as const;
export type TopicName = (typeof TOPICS)[keyof typeof TOPICS];

/** Partitions per topic on the local stack: enough for ordering per project and a little parallelism. */
export const TOPIC_PARTITIONS = 3;

/**
 * Topic configuration set at creation: keyflow's topics keep their events for good (no time or
 * size limit, no compaction), because the read model (projections/) is rebuilt from offset 0
 * (`keyflow projections rebuild`) and must find every event there. Disk grows with the events; an
 * operator who must bound it sets a retention here knowing a rebuild then starts from the oldest
 * event kept.
 */
export const TOPIC_CONFIG: ReadonlyArray<{ name: string; value: string }> = [
  { name: 'retention.ms', value: '-1' },
  { name: 'retention.bytes', value: '-1' },
  { name: 'cleanup.policy', value: 'delete' },
];
