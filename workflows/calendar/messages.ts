import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { CalendarChanged, CalendarRegistryView, LoadedNotice, LoadHolidayNoticeRequest, LoadHolidayNoticeResult } from '../../schemas/calendar';

/** The one calendar registry of a namespace. */
export const CALENDAR_REGISTRY_ID = 'keyflow-calendar';

/** Loads (or replaces) one year's holiday notice; refused with the field and the rule when invalid. */
export const loadHolidayNoticeUpdate = defineUpdate<LoadHolidayNoticeResult, [LoadHolidayNoticeRequest]>('loadHolidayNotice');
/** The registry's version and loaded notices. */
export const getCalendarQuery = defineQuery<CalendarRegistryView>('getCalendar');
/** Sent to running reviews whose deadlines were counted on the year of a loaded notice. */
export const calendarChangedSignal = defineSignal<[CalendarChanged]>('calendarChanged');

export interface CalendarRegistryInput {
  carried?: { version: number; notices: LoadedNotice[]; answered: [string, { fingerprint: string; result: LoadHolidayNoticeResult }][] };
}
