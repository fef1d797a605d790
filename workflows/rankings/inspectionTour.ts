import {
  allHandlersFinished,
  condition,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { KeyflowActivities } from '../../activities';
import { requestTourClose, scoreTour, submitSheet, type TourScoring } from '../../domain/inspection';
import { FailureType } from '../../schemas/errors';
import type { ScoreSheet, Tour } from '../../schemas/inspection';
import {
  CloseTourInput,
  InspectionTourInput,
  SubmitSheetInput,
  type InspectionTourInputRaw,
  type TourRecord,
  type TourView,
} from '../../schemas/rankings';
import { SA } from '../../schemas/searchAttributes';
import { Outbox } from '../shared/outbox';
import { closeTourUpdate, getTourQuery, submitSheetUpdate, tourWorkflowId } from './messages';
import { EntityPath } from '../shared/entity';
import { parseOrRefuse, refuse } from '../shared/refusal';
import { RequestLedger } from '../shared/requestLedger';

const acts = proxyActivities<KeyflowActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes' },
});

/** Who closed a tour that closed by itself at closesAt. */
export const CLOSED_AT_DEADLINE = 'system:deadline';

const nowIso = (): string => new Date(Date.now()).toISOString();

/**
 * One 观摩 inspection tour (workflow id `tour-<tourId>`): inspectors submit one score sheet per
 * project, checked against the score sheet configuration (domain/inspection.ts validateSheet);
 * scoring closes at closesAt or earlier when an organiser closes it. On closing, each project's
 * combined score (the trimmed mean from trimAt sheets) is computed, projects are ranked overall,
 * per county/district and per peer group, the report is written, the ranking published as
 * `cn.keyflow.ranking.tourPublished` and recorded in the rankings registry. The time of a sheet is
 * the time the tour received it (workflow time), never the inspector's own clock.
 */
export async function inspectionTour(raw: InspectionTourInputRaw): Promise<TourRecord> {
  const input = parseOrRefuse(InspectionTourInput, raw, 'input');
  const { config } = input;
  const tour: Tour = {
    id: input.tourId,
    name: input.name,
    date: input.date,
    projects: input.projects.map((p) => p.code),
    closesAt: input.closesAt,
    status: 'open',
  };
  const view: TourView = {
    tourId: input.tourId,
    name: input.name,
    date: input.date,
    closesAt: input.closesAt,
    status: 'open',
    projects: input.projects,
    criteria: config.criteria.map((c) => ({ id: c.id, name: c.name, maxPoints: c.maxPoints, weight: c.weight })),
    trimAt: config.trimAt,
    sheets: [],
    closedAt: null,
    closedBy: null,
    record: null,
  };
  setHandler(getTourQuery, () => view);
  upsertSearchAttributes([
    { key: SA.kind, value: 'tour' },
    { key: SA.nextDeadline, value: new Date(input.closesAt) },
  ]);

  const outbox = new Outbox(tourWorkflowId(tour.id));
  /** The tour's requests are decided on this (domain/inspection.ts); the view shows its sheets. */
  let scoring: TourScoring = { tour, sheets: [], closeRequest: null };
  const path = new EntityPath<TourScoring>({
    state: () => scoring,
    set: (next) => {
      scoring = next;
      view.sheets = next.sheets as ScoreSheet[];
    },
    ledger: new RequestLedger(),
    outbox,
  });

  // ---- sheets: checked by the validator and again by the handler (a close or another sheet may have come between) ----
  path.update(submitSheetUpdate, {
    schema: SubmitSheetInput,
    as: 'sheet',
    decide: (s, req, now) => submitSheet(config, s, req, now),
  });

  // ---- closing: the first organiser's request counts; everyone is answered with the published ranking ----
  path.update(closeTourUpdate, {
    schema: CloseTourInput,
    as: 'request',
    decide: (s, req) => requestTourClose(input.organisers, s, req),
    answer: () => condition(() => view.record !== null).then(() => view.record!),
  });

  const msLeft = Date.parse(input.closesAt) - Date.now();
  if (msLeft > 0) await condition(() => scoring.closeRequest !== null, msLeft);

  const closedAt = nowIso();
  const closedBy = scoring.closeRequest?.by ?? CLOSED_AT_DEADLINE;
  scoring = { ...scoring, tour: { ...scoring.tour, status: 'closed' } };
  Object.assign(view, { status: 'closed', closedAt, closedBy });
  upsertSearchAttributes([{ key: SA.nextDeadline, value: null }]);

  let result;
  try {
    result = scoreTour(config, scoring.tour, scoring.sheets, input.projects);
  } catch (err) {
    // Accepted sheets were validated on the way in; a refusal here is a bug worth seeing, not retrying.
    refuse(FailureType.ValidationFailed, `tour ${tour.id} cannot be scored: ${(err as Error).message}`, { name: (err as Error).name });
  }
  const reports = await acts.writeRankingReport({ kind: 'tour', id: tourWorkflowId(tour.id), result, projects: input.projects });

  outbox.add('cn.keyflow.ranking.tourPublished', 'published', { ...result, closedAt, closedBy, reports });
  await outbox.flushed();

  const record: TourRecord = { tourId: tour.id, name: tour.name, date: tour.date, closedAt, closedBy, result, reports };
  await acts.recordRanking({ kind: 'tour', record, settings: input.registry });
  Object.assign(view, { record, status: 'published' });
  await condition(allHandlersFinished);
  return record;
}
