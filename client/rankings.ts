import {
  Client,
  ScheduleAlreadyRunning,
  ScheduleOverlapPolicy,
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
  WorkflowIdReusePolicy,
  WorkflowNotFoundError,
  type CalendarSpec,
  type WorkflowHandle,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { checkPeriodRefusal } from '../domain/checkPeriod';
import { YearMonth } from '../schemas/common';
import { FailureType } from '../schemas/errors';
import { FourCompareConfig } from '../schemas/fourCompare';
import {
  CheckRecord,
  CloseTourInput,
  FourCompareScheduleConfig,
  InspectionTourInput,
  RegistrySettings,
  StoredCheckRecord,
  SubmitSheetInput,
  TourRecord,
  TourView,
  type FourCompareCheckInputRaw,
  type FourCompareMonthlyInputRaw,
  type InspectionTourInputRaw,
  type RegistrySettingsInput,
  type SubmitSheetResult,
} from '../schemas/rankings';
import { SA } from '../schemas/searchAttributes';
import { validate } from '../schemas/validation';
import { loadFourCompareConfig } from '../seeds/rankingConfig';
import {
  checkWorkflowId,
  closeTourUpdate,
  FOUR_COMPARE_MONTHLY_ID,
  FOUR_COMPARE_SCHEDULE_ID,
  getTourQuery,
  latestChecksQuery,
  latestToursQuery,
  RANKINGS_REGISTRY_ID,
  submitSheetUpdate,
  tourWorkflowId,
} from '../workflows/rankings/messages';
import { KeyflowError, toKeyflowError } from './errors';
import type { ClientContext } from './projects';

/** Runs of one period tried before giving up (each run is its own check). */
const MAX_RUNS_PER_PERIOD = 50;

/** A workflow's failure in keyflow's terms: the ApplicationFailure inside, else as it came. */
function unwrap(err: unknown): unknown {
  if (err instanceof WorkflowFailedError && err.cause instanceof ApplicationFailure) return toKeyflowError(err.cause);
  return toKeyflowError(err);
}

// ---- 四比四看 checks -------------------------------------------------------------------------

/** The schedule's calendar: `dayOfMonth` at `time` in `timeZone` (default the 5th, 09:00, Asia/Shanghai). */
export function fourCompareScheduleSpec(configInput: unknown = {}): { calendars: CalendarSpec[]; timezone: string } {
  const config = validate(FourCompareScheduleConfig, configInput, 'schedule');
  const [hour, minute] = config.time.split(':').map(Number) as [number, number];
  return {
    calendars: [{ dayOfMonth: config.dayOfMonth, hour, minute, comment: '四比四看: check the previous month' }],
    timezone: config.timeZone,
  };
}

/**
 * Creates the Temporal Schedule `keyflow-four-compare`, or brings an existing one up to date with
 * `config` (FourCompareScheduleConfig; the check's pairs default to seeds/four-compare.json); safe
 * to call at every start-up. Each firing starts `fourCompareMonthly`, which checks the previous
 * month under the check id `four-compare-<period>`.
 *
 * Overlap SKIP: a check takes minutes, a month passes between firings; a firing while one still
 * runs is a duplicate. Catch-up window 3 days: a server down on the 5th still checks the month
 * when it is back within three days.
 */
export async function ensureFourCompareSchedule(client: Client, taskQueue: string, configInput: unknown = {}): Promise<{ scheduleId: string; created: boolean }> {
  let input: FourCompareMonthlyInputRaw;
  let spec;
  try {
    const config = validate(FourCompareScheduleConfig, configInput, 'schedule');
    spec = fourCompareScheduleSpec(config);
    input = { config: config.fourCompare ?? loadFourCompareConfig(), registry: config.registry };
  } catch (err) {
    throw toKeyflowError(err);
  }
  const action = {
    type: 'startWorkflow' as const,
    workflowType: 'fourCompareMonthly',
    workflowId: FOUR_COMPARE_MONTHLY_ID,
    taskQueue,
    args: [input],
  };
  const policies = { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '3 days' as const, pauseOnFailure: false };
  try {
    await client.schedule.create({ scheduleId: FOUR_COMPARE_SCHEDULE_ID, spec, action, policies });
    return { scheduleId: FOUR_COMPARE_SCHEDULE_ID, created: true };
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  await client.schedule.getHandle(FOUR_COMPARE_SCHEDULE_ID).update((prev) => ({ ...prev, spec, action, policies }));
  return { scheduleId: FOUR_COMPARE_SCHEDULE_ID, created: false };
}

async function isRunning(handle: WorkflowHandle): Promise<boolean | undefined> {
  try {
    return (await handle.describe()).status.name === 'RUNNING';
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

/**
 * Checks `period` now (on demand) and waits for the published check. The period must be a month
 * that has ended (domain/checkPeriod.ts): the month in progress or a later one is refused with
 * MonthNotClosed, a malformed month or one before keyflow's data with ValidationFailed — both
 * naming `period`, before anything starts (the workflow checks again on its own clock). The first
 * check of a period gets the id `four-compare-<period>`, later ones `four-compare-<period>-2`,
 * `-3`, …; a check of the period already running is joined rather than started twice. Options:
 * the check's configuration (default seeds/four-compare.json), the registry settings, and `now`
 * (default the machine's clock) that decides which months have ended.
 */
export async function runFourCompareNow(
  ctx: ClientContext,
  period: string,
  opts: { config?: unknown; registry?: RegistrySettingsInput; now?: Date } = {},
): Promise<CheckRecord> {
  try {
    const refusal = checkPeriodRefusal(period, opts.now ?? new Date());
    if (refusal) throw new KeyflowError(refusal.type, `${refusal.field}: ${refusal.rule}`, [{ field: refusal.field, rule: refusal.rule }]);
    const p = validate(YearMonth, period, 'period');
    const config = opts.config === undefined ? loadFourCompareConfig() : validate(FourCompareConfig, opts.config, 'config');
    const args: FourCompareCheckInputRaw = { period: p, config, registry: validate(RegistrySettings, opts.registry ?? {}, 'registry') };
    for (let run = 1; run <= MAX_RUNS_PER_PERIOD; run++) {
      const workflowId = checkWorkflowId(p, run);
      const existing = ctx.client.workflow.getHandle(workflowId);
      const running = await isRunning(existing);
      if (running === true) return CheckRecord.parse(await existing.result());
      if (running === false) continue;
      try {
        const handle = await ctx.client.workflow.start('fourCompareCheck', {
          taskQueue: ctx.taskQueue,
          workflowId,
          args: [args],
          workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
          typedSearchAttributes: [{ key: SA.kind, value: 'check' }],
        });
        return CheckRecord.parse(await handle.result());
      } catch (err) {
        // Someone took this id a moment ago: look at it again.
        if (err instanceof WorkflowExecutionAlreadyStartedError) run -= 1;
        else throw err;
      }
    }
    throw new KeyflowError(FailureType.ValidationFailed, `period ${p} has been checked ${MAX_RUNS_PER_PERIOD} times already`);
  } catch (err) {
    throw unwrap(err);
  }
}

async function fromRegistry<T>(run: () => Promise<T>, none: T): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return none; // nothing has been published yet
    throw toKeyflowError(err);
  }
}

/**
 * The latest checks kept by the registry (one per period, its latest run), newest period first,
 * read through StoredCheckRecord: records kept from older versions come out in today's shape.
 */
export async function latestChecks(ctx: ClientContext, n?: number): Promise<CheckRecord[]> {
  const kept = await fromRegistry<unknown[]>(() => ctx.client.workflow.getHandle(RANKINGS_REGISTRY_ID).query(latestChecksQuery, n), []);
  return kept.map((r) => StoredCheckRecord.parse(r));
}

/** The latest published tours kept by the registry, most recently closed first. */
export async function latestTours(ctx: ClientContext, n?: number): Promise<TourRecord[]> {
  return fromRegistry(() => ctx.client.workflow.getHandle(RANKINGS_REGISTRY_ID).query(latestToursQuery, n), []);
}

// ---- 观摩 tours ------------------------------------------------------------------------------

const tourNotFound = (tourId: string) => new KeyflowError(FailureType.TourNotFound, `no inspection tour ${tourId}`);

/**
 * Opens a tour (workflow `tour-<tourId>`): validates it (closesAt must be in the future), then
 * starts it. A tour id is used once: opening it again is refused as TourAlreadyOpened.
 */
export async function openTour(ctx: ClientContext, input: InspectionTourInputRaw, now: Date = new Date()): Promise<{ tourId: string; workflowId: string }> {
  try {
    const tour = validate(InspectionTourInput, input, 'tour');
    if (Date.parse(tour.closesAt) <= now.getTime()) {
      throw new KeyflowError(FailureType.ValidationFailed, `tour.closesAt: must be in the future (is ${tour.closesAt})`, [
        { field: 'tour.closesAt', rule: 'must be in the future' },
      ]);
    }
    const workflowId = tourWorkflowId(tour.tourId);
    await ctx.client.workflow.start('inspectionTour', {
      taskQueue: ctx.taskQueue,
      workflowId,
      args: [tour],
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      typedSearchAttributes: [
        { key: SA.kind, value: 'tour' },
        { key: SA.nextDeadline, value: new Date(tour.closesAt) },
      ],
    });
    return { tourId: tour.tourId, workflowId };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      throw new KeyflowError(FailureType.TourAlreadyOpened, `inspection tour ${(input as { tourId?: string }).tourId} has already been opened; a tour id is used once`);
    }
    throw toKeyflowError(err);
  }
}

/** The tour as it stands: sheets received, status, and once published the ranking and report paths. */
export async function getTour(ctx: ClientContext, tourId: string): Promise<TourView> {
  try {
    return TourView.parse(await ctx.client.workflow.getHandle(tourWorkflowId(tourId)).query(getTourQuery));
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw tourNotFound(tourId);
    throw toKeyflowError(err);
  }
}

/**
 * An update to a tour; when the tour's workflow has finished (the ranking is published), the
 * update cannot reach it: `whenFinished` answers from its final state instead.
 */
async function updateTour<T>(ctx: ClientContext, tourId: string, send: (h: WorkflowHandle) => Promise<T>, whenFinished: (view: TourView) => T): Promise<T> {
  const handle = ctx.client.workflow.getHandle(tourWorkflowId(tourId));
  try {
    return await send(handle);
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw toKeyflowError(err);
  }
  return whenFinished(await getTour(ctx, tourId));
}

/**
 * An inspector's score sheet. Refused with ValidationFailed (issues name the field — e.g.
 * `scores.progress` — and the rule: above the maximum, missing or unknown criterion, project not
 * in the tour, a second sheet of the inspector for the project) or TourClosed (late).
 */
export async function submitSheet(ctx: ClientContext, tourId: string, sheet: unknown): Promise<SubmitSheetResult> {
  let req: SubmitSheetInput;
  try {
    req = validate(SubmitSheetInput, sheet, 'sheet');
  } catch (err) {
    throw toKeyflowError(err);
  }
  return updateTour(
    ctx,
    tourId,
    (h) => h.executeUpdate(submitSheetUpdate, { args: [req] }),
    (view) => {
      throw new KeyflowError(
        FailureType.TourClosed,
        `submittedAt: tour ${tourId} closed for scoring at ${view.closedAt ?? view.closesAt}; late sheets are refused`,
        [{ field: 'submittedAt', rule: `tour ${tourId} is closed; late sheets are refused` }],
      );
    },
  );
}

/** An organiser closes scoring; answers with the published ranking and report paths (also when already closed). */
export async function closeTour(ctx: ClientContext, tourId: string, request: CloseTourInput): Promise<TourRecord> {
  let req: CloseTourInput;
  try {
    req = validate(CloseTourInput, request, 'request');
  } catch (err) {
    throw toKeyflowError(err);
  }
  return updateTour(
    ctx,
    tourId,
    async (h) => TourRecord.parse(await h.executeUpdate(closeTourUpdate, { args: [req] })),
    (view) => {
      if (!view.record) throw new KeyflowError(FailureType.TourClosed, `tour ${tourId} ended without a published ranking`);
      return view.record;
    },
  );
}
