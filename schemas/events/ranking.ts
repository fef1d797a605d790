import { z } from 'zod';
import { Instant } from '../common';
import { FourCompareResult } from '../fourCompare';
import { TourResult } from '../inspection';
import { CheckId, ReportPaths } from '../rankings';
import { CompiledLag } from '../readModel';

/**
 * Ranking events, on TOPICS.rankings: a published 四比四看 check (subject `check-<period>`, key
 * the check id, so a re-run of a period is a new event and a retried send the same one) and a
 * published 观摩 tour ranking (subject `tour-<tourId>`). Each carries the whole ranking and
 * where the report was written.
 */
const CheckPublished = FourCompareResult.extend({ checkId: CheckId, reports: ReportPaths });

export const RANKING_EVENTS = {
  'cn.keyflow.ranking.checkPublished': CheckPublished,
  'cn.keyflow.ranking.tourPublished': TourResult.extend({ closedAt: Instant, closedBy: z.string(), reports: ReportPaths }),
} as const;

/**
 * Later data versions of ranking events (schemas/events/catalog.ts DATA_VERSIONS). A tour ranks
 * the score sheets its own workflow holds, not the read model: it has no lag to state.
 */
export const RANKING_DATA_VERSIONS = {
  /** v2: the read model's lag the facts were read with; null when read from the workflows' own state. */
  'cn.keyflow.ranking.checkPublished': { 2: CheckPublished.extend({ readModel: CompiledLag.nullable() }) },
} as const;
