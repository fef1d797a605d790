import {
  allHandlersFinished,
  condition,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { KeyflowActivities } from '../../activities';
import { scoreTour, sheetTotal, validateSheet } from '../../domain/inspection';
import { FailureType } from '../../schemas/errors';
import type { ScoreSheet, SheetError, Tour } from '../../schemas/inspection';
import {
  CloseTourInput,
  InspectionTourInput,
  SubmitSheetInput,
  type InspectionTourInputRaw,
  type SubmitSheetResult,
  type TourRecord,
  type TourView,
} from '../../schemas/rankings';
import { SA } from '../../schemas/searchAttributes';
import { Outbox } from '../shared/outbox';
import { closeTourUpdate, getTourQuery, submitSheetUpdate, tourWorkflowId } from './messages';
import { parseOrRefuse, refuse } from '../shared/refusal';

const acts = proxyActivities<KeyflowActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes' },
});

/** Who closed a tour that closed by itself at closesAt. */
export const CLOSED_AT_DEADLINE = 'system:deadline';

/** Sheet problems that are about time: the tour is closed, or the sheet came after closesAt. */
const TIMING: readonly SheetError['code'][] = ['tourClosed', 'lateSheet'];

/**
 * Refuses a sheet with every problem found. Time comes first: a sheet after the close is refused
 * as TourClosed whatever its content; otherwise ValidationFailed. Issues name the sheet's field
 * (`scores.progress`, `projectCode`, `inspector`, `submittedAt`), the rule, and the domain code.
 */
function refuseSheet(errors: readonly SheetError[]): never {
  const timing = errors.filter((e) => TIMING.includes(e.code));
  const shown = timing.length > 0 ? timing : errors;
  const issues = shown.map((e) => ({ field: e.field, rule: e.message, code: e.code }));
  refuse(timing.length > 0 ? FailureType.TourClosed : FailureType.ValidationFailed, issues.map((i) => `${i.field}: ${i.rule}`).join('; '), issues);
}

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
  const sheets: ScoreSheet[] = [];
  const view: TourView = {
    tourId: input.tourId,
    name: input.name,
    date: input.date,
    closesAt: input.closesAt,
    status: 'open',
    projects: input.projects,
    criteria: config.criteria.map((c) => ({ id: c.id, name: c.name, maxPoints: c.maxPoints, weight: c.weight })),
    trimAt: config.trimAt,
    sheets,
    closedAt: null,
    closedBy: null,
    record: null,
  };
  setHandler(getTourQuery, () => view);
  upsertSearchAttributes([
    { key: SA.kind, value: 'tour' },
    { key: SA.nextDeadline, value: new Date(input.closesAt) },
  ]);

  // ---- sheets --------------------------------------------------------------------------------
  /** The sheet as the tour records it, stamped with the tour and the time it arrived. */
  const stamp = (req: SubmitSheetInput): ScoreSheet => ({
    tourId: tour.id,
    projectCode: req.projectCode,
    inspector: req.inspector,
    scores: req.scores,
    submittedAt: nowIso(),
  });

  setHandler(
    submitSheetUpdate,
    (raw): SubmitSheetResult => {
      const sheet = stamp(SubmitSheetInput.parse(raw));
      // Checked again: a close or another sheet may have been handled since the validator ran.
      const errors = validateSheet(config, sheet, sheets, tour);
      if (errors.length > 0) refuseSheet(errors);
      sheets.push(sheet);
      return {
        tourId: tour.id,
        projectCode: sheet.projectCode,
        inspector: sheet.inspector,
        submittedAt: sheet.submittedAt,
        total: sheetTotal(config, sheet),
        sheetsForProject: sheets.filter((s) => s.projectCode === sheet.projectCode).length,
      };
    },
    {
      validator: (raw) => {
        const errors = validateSheet(config, stamp(parseOrRefuse(SubmitSheetInput, raw, 'sheet')), sheets, tour);
        if (errors.length > 0) refuseSheet(errors);
      },
    },
  );

  // ---- closing -------------------------------------------------------------------------------
  let closeRequest: { by: string; reason?: string } | null = null;
  setHandler(
    closeTourUpdate,
    async (raw): Promise<TourRecord> => {
      const req = CloseTourInput.parse(raw);
      if (tour.status === 'open' && closeRequest === null) closeRequest = { by: req.actor.by, reason: req.reason };
      await condition(() => view.record !== null);
      return view.record!;
    },
    {
      validator: (raw) => {
        const req = parseOrRefuse(CloseTourInput, raw, 'request');
        if (tour.status !== 'open') return; // closing a closed tour answers with its ranking
        if (input.organisers.length > 0 && !input.organisers.includes(req.actor.by.trim())) {
          refuse(FailureType.NotTourOrganiser, `${req.actor.by} is not an organiser of tour ${tour.id} (organisers: ${input.organisers.join(', ')})`);
        }
      },
    },
  );

  const msLeft = Date.parse(input.closesAt) - Date.now();
  if (msLeft > 0) await condition(() => closeRequest !== null, msLeft);

  const closedAt = nowIso();
  const closedBy = (closeRequest as { by: string } | null)?.by ?? CLOSED_AT_DEADLINE;
  tour.status = 'closed';
  Object.assign(view, { status: 'closed', closedAt, closedBy });
  upsertSearchAttributes([{ key: SA.nextDeadline, value: null }]);

  let result;
  try {
    result = scoreTour(config, tour, sheets, input.projects);
  } catch (err) {
    // Accepted sheets were validated on the way in; a refusal here is a bug worth seeing, not retrying.
    refuse(FailureType.ValidationFailed, `tour ${tour.id} cannot be scored: ${(err as Error).message}`, { name: (err as Error).name });
  }
  const workflowId = tourWorkflowId(tour.id);
  const reports = await acts.writeRankingReport({ kind: 'tour', id: workflowId, result, projects: input.projects });

  const outbox = new Outbox(workflowId);
  outbox.add('cn.keyflow.ranking.tourPublished', 'published', { ...result, closedAt, closedBy, reports });
  await outbox.flushed();

  const record: TourRecord = { tourId: tour.id, name: tour.name, date: tour.date, closedAt, closedBy, result, reports };
  await acts.recordRanking({ kind: 'tour', record, settings: input.registry });
  Object.assign(view, { record, status: 'published' });
  await condition(allHandlersFinished);
  return record;
}
