import { allHandlersFinished, condition, continueAsNew, proxyActivities, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { KeyflowActivities } from '../../activities';
import { createCalendar, HOLIDAY_ARRANGEMENTS, InvalidHolidayArrangement } from '../../domain/calendar';
import { CalendarChanged, LoadHolidayNoticeRequest, type LoadedNotice, type LoadHolidayNoticeResult } from '../../schemas/calendar';
import { FailureType } from '../../schemas/errors';
import { SA } from '../../schemas/searchAttributes';
import { parseOrRefuse, refuse } from '../shared/refusal';
import { getCalendarQuery, loadHolidayNoticeUpdate, type CalendarRegistryInput } from './messages';

const acts = proxyActivities<KeyflowActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

const CONTINUE_AS_NEW_AFTER_EVENTS = 2000;

/** Checks one year's arrangement as createCalendar does; the refusal names the field and the rule. */
function checkArrangement(req: LoadHolidayNoticeRequest): void {
  const a = req.arrangement;
  if (a.provisional !== undefined) {
    refuse(FailureType.ValidationFailed, 'arrangement.provisional: a loaded notice is a published notice; provisional years are derived, never loaded', [
      { field: 'arrangement.provisional', rule: 'must be absent: a loaded notice is a published notice' },
    ]);
  }
  try {
    createCalendar([{ ...a, amendments: a.amendments ?? [] }]);
  } catch (err) {
    if (!(err instanceof InvalidHolidayArrangement)) throw err;
    const field = /make-up/.test(err.rule) ? 'arrangement.makeupWorkdays' : /holiday/.test(err.rule) ? 'arrangement.holidays' : 'arrangement';
    refuse(FailureType.ValidationFailed, `${field}: ${err.message}`, [{ field, rule: err.rule }]);
  }
}

/**
 * The calendar registry (`keyflow-calendar`): the holiday notices loaded at run time, each with
 * the version it made. Workers' calendars (activities/calendar/holder.ts) refresh from its
 * `getCalendar` query, so a notice — or an amended one — takes effect without a restart. After a
 * load it has the running reviews whose deadlines were counted on that year recount them
 * (`calendarChanged`). A repeated request id returns the first answer.
 */
export async function calendarRegistry(input: CalendarRegistryInput = {}): Promise<void> {
  let version = input.carried?.version ?? 0;
  const notices: LoadedNotice[] = [...(input.carried?.notices ?? [])];
  const answered = new Map(input.carried?.answered ?? []);
  const toAnnounce: CalendarChanged[] = [];

  upsertSearchAttributes([{ key: SA.kind, value: 'calendar-registry' }]);
  setHandler(getCalendarQuery, () => ({ version, notices }));

  const repeatOf = (req: LoadHolidayNoticeRequest): LoadHolidayNoticeResult | null => {
    const prior = answered.get(req.requestId);
    if (!prior) return null;
    if (prior.fingerprint !== JSON.stringify(req.arrangement)) {
      refuse(FailureType.ValidationFailed, `requestId: ${req.requestId} was already used for another notice; use a new id`, [
        { field: 'requestId', rule: 'was already used for another request' },
      ]);
    }
    return prior.result;
  };

  setHandler(
    loadHolidayNoticeUpdate,
    (raw) => {
      const req = parseOrRefuse(LoadHolidayNoticeRequest, raw, 'input');
      const repeat = repeatOf(req);
      if (repeat) return repeat;
      const year = req.arrangement.year;
      const replaced = notices.some((n) => n.arrangement.year === year) ? 'loaded' : HOLIDAY_ARRANGEMENTS.some((a) => a.year === year) ? 'notice' : 'provisional';
      version += 1;
      const loadedAt = new Date().toISOString();
      notices.push({ version, loadedAt, by: req.by, arrangement: req.arrangement });
      const result: LoadHolidayNoticeResult = { requestId: req.requestId, version, year, documentNumber: req.arrangement.notice.documentNumber, replaced, loadedAt };
      answered.set(req.requestId, { fingerprint: JSON.stringify(req.arrangement), result });
      toAnnounce.push({ version, year, documentNumber: result.documentNumber });
      return result;
    },
    {
      validator: (raw) => {
        const req = parseOrRefuse(LoadHolidayNoticeRequest, raw, 'input');
        if (repeatOf(req)) return;
        checkArrangement(req);
      },
    },
  );

  const tooLong = () => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= CONTINUE_AS_NEW_AFTER_EVENTS;
  for (;;) {
    await condition(() => toAnnounce.length > 0 || tooLong());
    const next = toAnnounce.shift();
    if (next) {
      // After the load is answered: the reviews recount on a calendar of at least this version.
      await acts.announceCalendarChange(next);
      continue;
    }
    await condition(allHandlersFinished);
    if (toAnnounce.length === 0) break;
  }
  await continueAsNew<typeof calendarRegistry>({ carried: { version, notices, answered: [...answered.entries()] } });
}
