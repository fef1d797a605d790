import type { FastifyInstance } from 'fastify';
import { calendarSummary, loadHolidayNotice } from '../../client/calendar';
import { CalendarSummary, LoadHolidayNoticeBody, LoadHolidayNoticeResult } from '../../schemas/calendar';
import { ALL_ROLES } from '../auth';
import { actorOf, addRoute, type ApiDeps } from '../route';

/** The working-day calendar: what the workers count on, and loading a notice without a restart (admin). */
export async function calendarRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const { ctx } = deps;

  addRoute(app, deps, {
    method: 'GET',
    url: '/calendar',
    operationId: 'getCalendar',
    summary: 'The workers’ working-day calendar: version, notices loaded at run time, provisional years (暂定)',
    tag: 'calendar',
    access: ALL_ROLES,
    response: CalendarSummary,
    handler: async () => calendarSummary(ctx.client, ctx.holidaysDir),
  });

  addRoute(app, deps, {
    method: 'POST',
    url: '/calendar/notices',
    operationId: 'loadHolidayNotice',
    summary: 'Load a year’s State Council holiday notice (or an amended one): workers use it within seconds, running reviews recount',
    description:
      'Body: { requestId, arrangement } with arrangement in the seeds/holidays/<year>.json format. A broken field is refused (400) naming the field and the rule; a repeated requestId returns the first answer. Admin only.',
    tag: 'calendar',
    access: ['admin'],
    body: LoadHolidayNoticeBody,
    response: LoadHolidayNoticeResult,
    handler: async ({ body, principal }) => loadHolidayNotice(ctx, { ...body, by: actorOf(principal).by }),
  });
}
