import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { shanghaiDate } from '../../domain/calendar';
import { addMonths, monthOf } from '../../domain/lifecycle/months';
import type {
  CheckRecord,
  CloseTourInput,
  RegistrySettings,
  SubmitSheetInput,
  SubmitSheetResult,
  TourRecord,
  TourView,
} from '../../schemas/rankings';

/** The one long-lived workflow that keeps the latest checks and tours for queries. */
export const RANKINGS_REGISTRY_ID = 'keyflow-rankings';

/** The Temporal Schedule that starts the monthly check. */
export const FOUR_COMPARE_SCHEDULE_ID = 'keyflow-four-compare';

/** Workflow id the schedule gives its monthly trigger (Temporal appends the firing time). */
export const FOUR_COMPARE_MONTHLY_ID = 'four-compare-monthly';

/**
 * The id of a 四比四看 check — its workflow id, its reports' file name and its registry key:
 * `four-compare-2026-03` for the first check of a period, `four-compare-2026-03-2`, `-3`, … for
 * later runs of the same period (a re-run after late reports, an on-demand check).
 */
export const checkWorkflowId = (period: string, run = 1): string => (run <= 1 ? `four-compare-${period}` : `four-compare-${period}-${run}`);

/** The month a monthly run started at `now` checks: the previous month, Asia/Shanghai. */
export function periodToCheck(now: Date): string {
  return addMonths(monthOf(shanghaiDate(now)), -1);
}

/** One 观摩 tour: `tour-<tourId>`. Tour ids are never reused. */
export const tourWorkflowId = (tourId: string): string => `tour-${tourId}`;

// ---- the registry -------------------------------------------------------------------------------

export interface RankingsRegistryInput {
  settings: RegistrySettings;
  /** Present when continuing as new. */
  carried?: { checks: CheckRecord[]; tours: TourRecord[] };
}

/** A published check; it replaces an earlier check of the same period (the latest run is the one of record). */
export const recordCheckSignal = defineSignal<[CheckRecord]>('recordCheck');

/** A published tour; recording it again (same tour id) replaces it. */
export const recordTourSignal = defineSignal<[TourRecord]>('recordTour');

/** The latest checks, newest period first; at most `n` (default: all kept). */
export const latestChecksQuery = defineQuery<CheckRecord[], [number?]>('latestChecks');

/** The latest tours, most recently closed first; at most `n` (default: all kept). */
export const latestToursQuery = defineQuery<TourRecord[], [number?]>('latestTours');

/**
 * The check a check of `period` measures rank changes against: the kept check of the latest
 * earlier period that had data (a no-data month is skipped), or null.
 */
export const previousCheckQuery = defineQuery<CheckRecord | null, [string]>('previousCheck');

// ---- a tour -------------------------------------------------------------------------------------

/**
 * An inspector's score sheet for one project. Refused (nothing recorded) with ValidationFailed —
 * each issue naming the field (`scores.progress`, `projectCode`, `inspector`) and the rule — or
 * with TourClosed once the tour has closed (at closesAt or by an organiser).
 */
export const submitSheetUpdate = defineUpdate<SubmitSheetResult, [SubmitSheetInput]>('submitSheet');

/**
 * An organiser closes scoring before closesAt; answers with the published ranking once it is
 * out. Closing a closed tour answers the same. Refused with NotTourOrganiser for anyone else
 * when the tour names its organisers.
 */
export const closeTourUpdate = defineUpdate<TourRecord, [CloseTourInput]>('closeTour');

/** The tour as it stands: projects, sheets received, status and, once published, the ranking and reports. */
export const getTourQuery = defineQuery<TourView>('getTour');
