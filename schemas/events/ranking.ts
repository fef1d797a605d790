import { z } from 'zod';
import { Instant } from '../common';
import { FourCompareResult } from '../fourCompare';
import { TourResult } from '../inspection';
import { CheckId, ReportPaths } from '../rankings';

/**
 * Ranking events, on TOPICS.rankings: a published 四比四看 check (subject `check-<period>`, key
 * the check id, so a re-run of a period is a new event and a retried send the same one) and a
 * published 观摩 tour ranking (subject `tour-<tourId>`). Each carries the whole ranking and
 * where the report was written.
 */
export const RANKING_EVENTS = {
  'cn.keyflow.ranking.checkPublished': FourCompareResult.extend({ checkId: CheckId, reports: ReportPaths }),
  'cn.keyflow.ranking.tourPublished': TourResult.extend({ closedAt: Instant, closedBy: z.string(), reports: ReportPaths }),
} as const;
