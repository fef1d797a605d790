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
