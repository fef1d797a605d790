/**
 * The calendar registry (`keyflow-calendar`) from the client side: start it, load a notice into
 * it, read it, and build the same calendar the workers count on (for the inbox).
 */
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { CalendarHolder } from '../activities/calendar/holder';
import type { WorkingDayCalendar } from '../domain/calendar';
import { LoadHolidayNoticeRequest, type CalendarRegistryView, type LoadHolidayNoticeResult } from '../schemas/calendar';
import { SA } from '../schemas/searchAttributes';
import { validate } from '../schemas/validation';
import { loadCalendar } from '../seeds/holidays';
import { CALENDAR_REGISTRY_ID, getCalendarQuery, loadHolidayNoticeUpdate } from '../workflows/calendar/messages';
import { toKeyflowError } from './errors';
import type { ClientContext } from './projects';

/** Starts the registry on the task queue unless it runs already (idempotent). */
export async function ensureCalendarRegistry(ctx: ClientContext): Promise<void> {
  try {
    await ctx.client.workflow.start('calendarRegistry', {
      taskQueue: ctx.taskQueue,
      workflowId: CALENDAR_REGISTRY_ID,
      args: [{}],
      typedSearchAttributes: new TypedSearchAttributes([{ key: SA.kind, value: 'calendar-registry' }]),
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}

/** The registry's version and loaded notices; null when no registry runs in the namespace. */
export async function readCalendarRegistry(client: Client, timeoutMs = 5_000): Promise<CalendarRegistryView | null> {
  let timer: NodeJS.Timeout | undefined;
  // A registry whose worker is gone would hold a query for a long time: give up and say so.
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the calendar registry ${CALENDAR_REGISTRY_ID} did not answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([client.workflow.getHandle(CALENDAR_REGISTRY_ID).query(getCalendarQuery), timeout]);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return null;
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/** Loads (or replaces) one year's notice; refused with the field and the rule when invalid. */
export async function loadHolidayNotice(ctx: ClientContext, input: unknown): Promise<LoadHolidayNoticeResult> {
  try {
    const req = validate(LoadHolidayNoticeRequest, input, 'input');
    await ensureCalendarRegistry(ctx);
    return await ctx.client.workflow.getHandle(CALENDAR_REGISTRY_ID).executeUpdate(loadHolidayNoticeUpdate, { args: [req] });
  } catch (err) {
    throw toKeyflowError(err);
  }
}

/** A calendar holder for a worker: disk notices plus the registry's, refreshed every few seconds. */
export function workerCalendarHolder(client: Client, dir?: string): CalendarHolder {
  return new CalendarHolder({ ...(dir ? { dir } : {}), fetch: () => readCalendarRegistry(client) }).start();
}

/**
 * The calendar the workers count on, as of now: disk notices (KEYFLOW_HOLIDAYS_DIR or
 * seeds/holidays) plus the registry's loaded notices, with provisional years. Without a registry,
 * the disk notices alone.
 */
export async function liveCalendar(client: Client, dir?: string): Promise<{ calendar: WorkingDayCalendar; version: number }> {
  const view = await readCalendarRegistry(client).catch(() => null);
  const version = view?.version ?? 0;
  const key = `${client.options.namespace}\u0000${dir ?? ''}\u0000${version}`;
  const cached = built.get(key);
  if (cached) return { calendar: cached, version };
  const latest = new Map((view?.notices ?? []).map((n) => [n.arrangement.year, n.arrangement]));
  const calendar = loadCalendar(dir, [...latest.values()].map((a) => ({ ...a, amendments: a.amendments ?? [] })));
  // A registry version never changes its notices: one build per (namespace, folder, version).
  if (built.size > 16) built.clear();
  built.set(key, calendar);
  return { calendar, version };
}

const built = new Map<string, WorkingDayCalendar>();

/** What `GET /calendar` answers: the version, the loaded notices, the years and which are provisional. */
export async function calendarSummary(client: Client, dir?: string) {
  const view = await readCalendarRegistry(client).catch(() => null);
  const { calendar, version } = await liveCalendar(client, dir);
  return {
    version,
    loaded: (view?.notices ?? []).map((n) => ({ version: n.version, loadedAt: n.loadedAt, by: n.by, year: n.arrangement.year, documentNumber: n.arrangement.notice.documentNumber })),
    years: calendar.arrangements.map((a) => ({ year: a.year, documentNumber: a.notice.documentNumber, provisional: a.provisional !== undefined })),
    provisionalYears: calendar.arrangements.filter((a) => a.provisional).map((a) => a.year),
  };
}
