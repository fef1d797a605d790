import type { FastifyInstance } from 'fastify';
import { closeTour, getTour, latestChecks, latestTours, openTour, runFourCompareNow, submitSheet } from '../../client/rankings';
import { CheckSummary, PageQuery, pageOf, RunCheckRequest, TourOpened, TourParams, TourSummary } from '../../schemas/api';
import { CloseTourInput, InspectionTourInput, SubmitSheetInput, SubmitSheetResult, TourView } from '../../schemas/rankings';
import { ALL_ROLES } from '../auth';
import { paginate } from '../pagination';
import { addRoute, type ApiDeps } from '../route';

/** Report files live on the worker's host; the API answers with the rankings themselves. */
const withoutReports = <T extends { reports: unknown }>({ reports: _reports, ...rest }: T): Omit<T, 'reports'> => rest;

/** Rankings: 四比四看 checks of the counties and 观摩 inspection tours of the projects. */
export async function rankingRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const { ctx } = deps;

  addRoute(app, deps, {
    method: 'GET',
    url: '/rankings/four-compare',
    operationId: 'fourCompareChecks',
    summary: 'The latest 四比四看 checks (county rankings), newest period first',
    tag: 'rankings',
    access: ALL_ROLES,
    query: PageQuery,
    response: pageOf(CheckSummary),
    handler: async ({ query }) => paginate((await latestChecks(ctx)).map(withoutReports), query, (c) => c.checkId),
  });

  addRoute(app, deps, {
    method: 'POST',
    url: '/rankings/four-compare',
    operationId: 'runFourCompare',
    summary: 'Check a month now (on demand) and answer with the published county ranking',
    description:
      'Waits for the check (it reads every project\'s live state). A check of the month already running is joined, not started twice. ' +
      'The period must be a month that has ended (Asia/Shanghai), from 2020-01 to the previous month: the month in progress or a later one is refused with 409 MonthNotClosed, ' +
      'a month before 2020 with 400 ValidationFailed, both naming `period`. A month in which no key project existed is published with `noData: true` (无数据) and no county lines.',
    tag: 'rankings',
    access: ['admin'],
    body: RunCheckRequest,
    response: CheckSummary,
    status: 201,
    refusals: [409, 422],
    handler: async ({ body }) => withoutReports(await runFourCompareNow(ctx, body.period, { now: deps.now() })),
  });

  addRoute(app, deps, {
    method: 'GET',
    url: '/rankings/tours',
    operationId: 'inspectionRankings',
    summary: 'The latest published 观摩 inspection tours with their project rankings, most recent first',
    tag: 'rankings',
    access: ALL_ROLES,
    query: PageQuery,
    response: pageOf(TourSummary),
    handler: async ({ query }) => paginate((await latestTours(ctx)).map(withoutReports), query, (t) => t.tourId),
  });

  addRoute(app, deps, {
    method: 'POST',
    url: '/rankings/tours',
    operationId: 'openTour',
    summary: 'Open an inspection tour (观摩): the projects visited, the scoring configuration, until when sheets are taken',
    tag: 'rankings',
    access: ['admin'],
    body: InspectionTourInput,
    response: TourOpened,
    status: 201,
    refusals: [409],
    handler: ({ body }) => openTour(ctx, body, deps.now()),
  });

  addRoute(app, deps, {
    method: 'GET',
    url: '/rankings/tours/:tourId',
    operationId: 'getTour',
    summary: 'A tour as it stands: sheets received, status and, once published, its ranking',
    tag: 'rankings',
    access: ['supervisor', 'meetingOffice', 'admin'],
    params: TourParams,
    response: TourView,
    refusals: [404],
    handler: ({ params }) => getTour(ctx, params.tourId),
  });

  addRoute(app, deps, {
    method: 'POST',
    url: '/rankings/tours/:tourId/sheets',
    operationId: 'submitSheet',
    summary: 'Hand in an inspector\'s score sheet for one project of the tour',
    description: 'Refused with 400 (issues name the field, e.g. scores.progress, and the rule) or 409 TourClosed once the tour has closed.',
    tag: 'rankings',
    access: ['admin'],
    params: TourParams,
    body: SubmitSheetInput,
    response: SubmitSheetResult,
    refusals: [404, 409],
    handler: ({ params, body }) => submitSheet(ctx, params.tourId, body),
  });

  addRoute(app, deps, {
    method: 'POST',
    url: '/rankings/tours/:tourId/close',
    operationId: 'closeTour',
    summary: 'Close scoring (an organiser) and answer with the published ranking',
    tag: 'rankings',
    access: ['admin'],
    params: TourParams,
    body: CloseTourInput,
    response: TourSummary,
    refusals: [403, 404, 409],
    handler: async ({ params, body }) => withoutReports(await closeTour(ctx, params.tourId, body)),
  });
}
