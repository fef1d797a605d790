import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * keyflow's custom search attributes: what Temporal visibility can filter on, so that listings
 * ("all red projects in 临颍县", a department's inbox) never scan every workflow.
 * The local stack registers them at start; docker-compose's setup job registers the same list.
 */
export const SA = {
  /** Which kind of keyflow workflow: project, review-stage, meeting, check, tour. */
  kind: defineSearchAttributeKey('KeyflowKind', SearchAttributeType.KEYWORD),
  projectCode: defineSearchAttributeKey('KeyflowProjectCode', SearchAttributeType.KEYWORD),
  /** Lifecycle stage (阶段). */
  stage: defineSearchAttributeKey('KeyflowStage', SearchAttributeType.KEYWORD),
  /** County/district/zone id (县区). */
  county: defineSearchAttributeKey('KeyflowCounty', SearchAttributeType.KEYWORD),
  industry: defineSearchAttributeKey('KeyflowIndustry', SearchAttributeType.KEYWORD),
  /** Traffic-light warning (红黄绿灯): green, yellow, red. */
  warning: defineSearchAttributeKey('KeyflowWarning', SearchAttributeType.KEYWORD),
  stalled: defineSearchAttributeKey('KeyflowStalled', SearchAttributeType.BOOL),
  daysSinceReport: defineSearchAttributeKey('KeyflowDaysSinceReport', SearchAttributeType.INT),
  lastReportAt: defineSearchAttributeKey('KeyflowLastReportAt', SearchAttributeType.DATETIME),
  /** Annual planned investment completion rate (年度计划投资完成率), 0–1+. */
  completionRate: defineSearchAttributeKey('KeyflowCompletionRate', SearchAttributeType.DOUBLE),
  /** Joint-review stage (联审联批阶段) of a review workflow. */
  reviewStage: defineSearchAttributeKey('KeyflowReviewStage', SearchAttributeType.KEYWORD),
  leadDepartment: defineSearchAttributeKey('KeyflowLeadDepartment', SearchAttributeType.KEYWORD),
  /** Departments that hold an open task in this workflow — the inbox filter. */
  openDepartments: defineSearchAttributeKey('KeyflowOpenDepartments', SearchAttributeType.KEYWORD_LIST),
  /** Earliest open deadline in this workflow. */
  nextDeadline: defineSearchAttributeKey('KeyflowNextDeadline', SearchAttributeType.DATETIME),
  overdue: defineSearchAttributeKey('KeyflowOverdue', SearchAttributeType.BOOL),
  /**
   * Calendar years the open deadlines of a review were counted across (acceptance year to
   * deadline year): a loaded notice for one of them has the review recount (calendar registry).
   */
  deadlineYears: defineSearchAttributeKey('KeyflowDeadlineYears', SearchAttributeType.KEYWORD_LIST),
} as const;

const CLI_TYPE: Record<string, string> = {
  [SearchAttributeType.KEYWORD]: 'Keyword',
  [SearchAttributeType.BOOL]: 'Bool',
  [SearchAttributeType.INT]: 'Int',
  [SearchAttributeType.DATETIME]: 'Datetime',
  [SearchAttributeType.DOUBLE]: 'Double',
  [SearchAttributeType.KEYWORD_LIST]: 'KeywordList',
  [SearchAttributeType.TEXT]: 'Text',
};

/** `NAME=Type` pairs, the form the Temporal CLI's `--search-attribute` takes. */
export function searchAttributeCliPairs(): string[] {
  return Object.values(SA).map((k) => `${k.name}=${CLI_TYPE[k.type]}`);
}
