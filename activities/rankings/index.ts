import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../../schemas/errors';
import { CheckRecord, GatheredFacts, ReportPaths, ReportRequest, RegistrySettings, TourRecord } from '../../schemas/rankings';
import { loadReferenceData } from '../../seeds';
import type { ActivityDeps } from '../index';
import { caughtUp } from '../readModel';
import { gatherProjectFacts, gatherProjectFactsFromModel } from './facts';
import { previousCheck, recordRanking } from './registry';
import { defaultReportsDir, writeRankingReport } from './reports';

function needClient(deps: ActivityDeps) {
  if (!deps.client) {
    throw ApplicationFailure.nonRetryable(
      'the ranking activities need a Temporal client: pass `client` in ActivityDeps when creating the worker',
      FailureType.NotFound,
    );
  }
  return deps.client;
}

/** Activities of 四比四看 checks and 观摩 tours: live facts, reports, the rankings registry. */
export function rankingActivities(deps: ActivityDeps) {
  return {
    /**
     * The project facts of `period` from live state (visibility + queries), with the counties
     * they are ranked in (reference data at reading time), so the check's history holds all it
     * was computed from.
     */
    async gatherProjectFacts(req: { period: string }): Promise<GatheredFacts> {
      // From the read model when the worker has one, once it caught up with the topics.
      if (deps.readModel) {
        const readModel = await caughtUp(deps.readModel, `four-compare ${req.period}`);
        return { ...(await gatherProjectFactsFromModel(deps.readModel.model.db, { period: req.period, counties: loadReferenceData().counties })), readModel };
      }
      return gatherProjectFacts(needClient(deps), {
        period: req.period,
        counties: loadReferenceData().counties,
        taskQueue: Context.current().info.taskQueue,
      });
    },
    /** Renders the HTML and CSV report into the reports folder; a retry overwrites the same files. */
    async writeRankingReport(req: ReportRequest): Promise<ReportPaths> {
      return writeRankingReport(deps.reportsDir ?? defaultReportsDir(), ReportRequest.parse(req));
    },
    /** The registry's check to compare a check of `period` with; null before the first. */
    async previousCheck(req: { period: string }): Promise<CheckRecord | null> {
      return previousCheck(needClient(deps), req.period);
    },
    /** Records a published check or tour in the registry (signal-with-start). */
    async recordRanking(
      req: { kind: 'check'; record: CheckRecord; settings: RegistrySettings } | { kind: 'tour'; record: TourRecord; settings: RegistrySettings },
    ): Promise<void> {
      const settings = RegistrySettings.parse(req.settings);
      const taskQueue = Context.current().info.taskQueue;
      if (req.kind === 'check') await recordRanking(needClient(deps), taskQueue, { kind: 'check', record: CheckRecord.parse(req.record), settings });
      else await recordRanking(needClient(deps), taskQueue, { kind: 'tour', record: TourRecord.parse(req.record), settings });
    },
  };
}
