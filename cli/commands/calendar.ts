/**
 * The working-day calendar (工作日历) without any server: the same data the worker answers from
 * (built-in State Council notices plus `<year>.json` in KEYFLOW_HOLIDAYS_DIR, default seeds/holidays).
 */
import { LocalDate } from '../../schemas/common';
import { loadCalendar } from '../../seeds/holidays';
import type { WorkingDayCalendar } from '../../domain/calendar';
import { JSON_OPTION, type Command } from '../command';
import { environment } from '../connect';
import { usageError } from '../exitCodes';

function date(value: string, label: string): string {
  const r = LocalDate.safeParse(value);
  if (!r.success) throw usageError(`${label}: ${r.error.issues[0]?.message ?? 'is not a date'}; got "${value}"`);
  return r.data;
}

function calendarOf(env: NodeJS.ProcessEnv): WorkingDayCalendar {
  return loadCalendar(environment(env).KEYFLOW_HOLIDAYS_DIR);
}

const print = (json: boolean, value: string | boolean) => `${json ? JSON.stringify(value) : String(value)}\n`;

const CALENDAR_HELP =
  'Works offline. A date in a year without holiday data exits 2 (UnknownHolidayYear): add that year as seeds/holidays/<year>.json (or in KEYFLOW_HOLIDAYS_DIR).';

export const isWorkingDay: Command = {
  words: ['calendar', 'is-working-day'],
  args: ['DATE'],
  summary: 'whether a date is a working day (prints true or false)',
  usage: 'keyflow calendar is-working-day YYYY-MM-DD',
  help: `Monday–Friday minus statutory holidays plus make-up working days (调休). ${CALENDAR_HELP}`,
  options: { ...JSON_OPTION },
  offline: true,
  async run(input, io) {
    const d = date(input.args[0]!, 'DATE');
    io.stdout.write(print(input.json, calendarOf(io.env).isWorkingDay(d)));
    return 0;
  },
};

export const addWorkingDays: Command = {
  words: ['calendar', 'add-working-days'],
  args: ['DATE', 'N'],
  summary: 'the N-th working day after a date (prints the date)',
  usage: 'keyflow calendar add-working-days YYYY-MM-DD N',
  help: `Counting starts the day after DATE (Civil Code art. 201); N = 0 gives DATE itself if it is a working day, else the next one. ${CALENDAR_HELP}`,
  options: { ...JSON_OPTION },
  offline: true,
  async run(input, io) {
    const d = date(input.args[0]!, 'DATE');
    const n = input.args[1]!;
    if (!/^\d{1,5}$/.test(n)) throw usageError(`N: must be a whole number of working days, 0 or more; got "${n}"`);
    io.stdout.write(print(input.json, calendarOf(io.env).addWorkingDays(d, Number(n))));
    return 0;
  },
};
