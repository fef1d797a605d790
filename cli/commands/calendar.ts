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

/**
 * Checks a notice file as the registry will (schema, then the calendar's rules for one year),
 * naming the field and the rule; the request id is derived from the content, so loading the same
 * file again returns the first answer instead of a second version.
 */
async function noticeRequest(file: string, by: string, requestId: string | undefined, holidaysDir: string | undefined) {
  const { readFileSync } = await import('node:fs');
  const { createHash } = await import('node:crypto');
  const { validate, ValidationError } = await import('../../schemas/validation');
  const { YearArrangementSchema } = await import('../../schemas/calendar');
  const { createCalendar, InvalidHolidayArrangement } = await import('../../domain/calendar');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw usageError(`FILE: ${file} is not readable JSON: ${(err as Error).message}`);
  }
  const arrangement = validate(YearArrangementSchema, raw);
  if (arrangement.provisional !== undefined) {
    throw new ValidationError([{ field: 'provisional', rule: 'must be absent: a loaded notice is a published notice; provisional years are derived' }]);
  }
  try {
    createCalendar([arrangement]);
  } catch (err) {
    if (err instanceof InvalidHolidayArrangement) throw new ValidationError([{ field: /make-up/.test(err.rule) ? 'makeupWorkdays' : 'holidays', rule: err.message }]);
    throw err;
  }
  // Beside the other years too (a New Year period reaching into the December before).
  const { SeedDataError } = await import('../../seeds');
  try {
    loadCalendar(holidaysDir, [arrangement]);
  } catch (err) {
    if (err instanceof SeedDataError) throw new ValidationError(err.issues.map((i) => ({ field: i.field || 'holidays', rule: i.message })));
    throw err;
  }
  const digest = createHash('sha256').update(JSON.stringify(arrangement)).digest('hex').slice(0, 24);
  return { requestId: requestId ?? `notice-${arrangement.year}-${digest}`, by, arrangement };
}

export const loadNotice: Command = {
  words: ['calendar', 'load'],
  args: ['FILE'],
  summary: "load a year's State Council holiday notice (or an amended one) into the running workers, no restart",
  usage: 'keyflow calendar load FILE.json [--as NAME] [--request-id ID] [--json]',
  help: [
    '  FILE          the notice in the seeds/holidays/<year>.json format (see seeds/holidays/README.md)',
    '  --as          who loads it (default cli:<login>)',
    '  --request-id  default: derived from the content, so the same file loaded twice is one load',
    'Checked here first (a broken field exits 2 naming the field and the rule), then sent to the calendar registry',
    '(keyflow-calendar). Workers count on it within seconds; running reviews whose deadlines were counted on that',
    'year (provisionally, or on the notice it amends) recount them, note old → new in the audit and remind the department.',
    'Operator command: talks to the engines (Temporal) directly, not through the API, so it needs access to them (TEMPORAL_ADDRESS or the local stack); people act through the API (acting commands with KEYFLOW_TOKEN).',
  ].join('\n'),
  options: { ...JSON_OPTION, as: { type: 'string' }, 'request-id': { type: 'string' } },
  async run(input, io) {
    const { actorName, str } = await import('../command');
    const req = await noticeRequest(input.args[0]!, actorName(input), str(input, 'request-id'), environment(io.env).KEYFLOW_HOLIDAYS_DIR);
    const { withClient } = await import('../connect');
    const { loadHolidayNotice } = await import('../../client/calendar');
    const result = await withClient(io.env, (ctx) => loadHolidayNotice(ctx, req));
    if (input.json) io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else {
      const was = { provisional: '暂定推算', notice: '内置通知', loaded: '此前加载的通知' }[result.replaced];
      io.stdout.write(`loaded ${result.year} ${result.documentNumber} as calendar version ${result.version} (replaces the ${was}); running reviews on ${result.year} recount their deadlines\n`);
    }
    return 0;
  },
};

export const calendarShow: Command = {
  words: ['calendar', 'show'],
  args: [],
  summary: 'the workers’ calendar: version, loaded notices, and which years are provisional',
  usage: 'keyflow calendar show [--json]',
  help: 'A provisional year (暂定) is derived from 全国年节及纪念日放假办法 because its notice is not out; deadlines counted on it are marked and recounted when the notice is loaded.',
  options: { ...JSON_OPTION },
  async run(input, io) {
    const { withClient } = await import('../connect');
    const { calendarSummary } = await import('../../client/calendar');
    const summary = await withClient(io.env, (ctx) => calendarSummary(ctx.client, environment(io.env).KEYFLOW_HOLIDAYS_DIR));
    if (input.json) io.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    else {
      io.stdout.write(`calendar version ${summary.version}\n`);
      for (const y of summary.years) io.stdout.write(`  ${y.year}  ${y.provisional ? '（暂定）通知尚未发布，按《全国年节及纪念日放假办法》推算' : y.documentNumber}\n`);
    }
    return 0;
  },
};
