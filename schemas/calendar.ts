import { z } from 'zod';
import { LocalDate } from './common';

const When = z.string().min(10);

/**
 * A count made on provisional years (暂定): which years, and why, in Chinese. Shared by calendar
 * answers, review tasks, follow-ups, inbox items and meeting plans.
 */
export const ProvisionalMark = z.object({
  years: z.array(z.number().int()).min(1),
  basis: z.string(),
  /** The calendar version the count was made on. */
  calendarVersion: z.number().int().nonnegative().optional(),
});
export type ProvisionalMark = z.infer<typeof ProvisionalMark>;

/** A question to the working-day calendar, asked by workflows through a local activity. */
export const CalendarQuestion = z.discriminatedUnion('op', [
  z.object({ op: z.literal('addWorkingDays'), from: LocalDate, n: z.number().int().min(0) }),
  z.object({ op: z.literal('workingDaysBetween'), from: When, to: When }),
  z.object({ op: z.literal('isWorkingDay'), date: LocalDate }),
  z.object({ op: z.literal('nextWorkingDay'), date: LocalDate }),
  z.object({ op: z.literal('previousWorkingDay'), date: LocalDate }),
]);
export type CalendarQuestion = z.infer<typeof CalendarQuestion>;

/**
 * The answer, or the named reason there is none: a date in a year whose holiday notice
 * keyflow does not hold yet is an error, never a guess.
 */
export const CalendarAnswer = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    value: z.union([z.string(), z.number(), z.boolean()]),
    /** The computation touched provisional years (no notice yet): the answer is an estimate. Absent in answers recorded before. */
    provisional: ProvisionalMark.optional(),
    /** Version of the worker's calendar that answered (calendar registry; 0 = notices on disk only). */
    calendarVersion: z.number().int().nonnegative().optional(),
  }),
  z.object({ ok: z.literal(false), error: z.enum(['UnknownHolidayYear', 'InvalidDate']), message: z.string(), year: z.number().optional() }),
]);
export type CalendarAnswer = z.infer<typeof CalendarAnswer>;

/** A State Council General Office notice, as in a seeds/holidays/<year>.json file. */
const HolidayNoticeSchema = z
  .object({
    /** Full title, e.g. 国务院办公厅关于2027年部分节假日安排的通知. */
    title: z.string().trim().min(1, 'must give the notice title'),
    /** Document number (发文字号), e.g. 国办发明电〔2026〕N号. */
    documentNumber: z.string().trim().min(1, 'must give the document number (发文字号)'),
    published: LocalDate,
  })
  .strict();

/** One 放假 period exactly as the notice states it, inclusive. */
const HolidayPeriodSchema = z
  .object({
    name: z.string().trim().min(1, 'must name the festival, e.g. 春节'),
    from: LocalDate,
    to: LocalDate,
  })
  .strict()
  // Only well-formed dates compare as strings; a malformed one already has its own issue.
  .refine((p) => !(LocalDate.safeParse(p.from).success && LocalDate.safeParse(p.to).success) || p.from <= p.to, {
    path: ['to'],
    message: 'must not be before from',
  });

/**
 * One year's holiday arrangement (mirrors `YearArrangement` in domain/calendar/holidays.ts).
 * Strict: a misspelt field is an error, not silently dropped. Calendar rules across dates
 * (inside the year, make-up days on weekends and outside holidays) are checked by
 * `createCalendar`.
 */
export const YearArrangementSchema = z
  .object({
    year: z.number().int('must be a whole year').min(1000, 'must be a four-digit year').max(9999, 'must be a four-digit year'),
    notice: HolidayNoticeSchema,
    /** Later notices that changed this year's arrangement (already applied to the dates). */
    amendments: z
      .array(z.object({ notice: HolidayNoticeSchema, change: z.string().trim().min(1, 'must say what changed') }).strict())
      .default([]),
    holidays: z.array(HolidayPeriodSchema),
    /** Weekend days that are working days (调休上班), YYYY-MM-DD. */
    makeupWorkdays: z.array(LocalDate),
    /** Only on a year derived from the statutory rules while its notice is not out (never in a notice file). */
    provisional: z.object({ basis: z.string().min(1) }).strict().optional(),
  })
  .strict();
export type YearArrangementInput = z.input<typeof YearArrangementSchema>;

const CalendarYear = z.number().int().min(1000, 'must be a four-digit year').max(9999, 'must be a four-digit year');

/**
 * Whole years of the worker's calendar, asked for by a review (a local activity, so the answer is
 * in its history): the review counts its deadlines on them itself. `minVersion` makes the
 * worker's calendar refresh first when it is older (a recount after a notice was loaded).
 */
export const CalendarYearsQuestion = z
  .object({
    years: z.array(CalendarYear).min(1, 'must ask for at least one year').max(20, 'must ask for at most 20 years at once'),
    minVersion: z.number().int().nonnegative().optional(),
  })
  .strict();
export type CalendarYearsQuestion = z.infer<typeof CalendarYearsQuestion>;

/** Each year asked for: its arrangement (a notice or a provisional year), or that the worker has none. */
export const CalendarYearsAnswer = z.object({
  years: z.array(z.union([z.object({ year: CalendarYear, arrangement: YearArrangementSchema }), z.object({ year: CalendarYear, unknown: z.literal(true) })])),
  /** Version of the worker's calendar that answered (calendar registry; 0 = notices on disk only). */
  calendarVersion: z.number().int().nonnegative().optional(),
});
export type CalendarYearsAnswer = z.infer<typeof CalendarYearsAnswer>;

// ---------------------------------------------------------------------------------------------
// The calendar registry (`keyflow-calendar`): notices loaded at run time, without a restart.

/** Load (or replace, when amended) one year's notice. */
export const LoadHolidayNoticeRequest = z
  .object({
    requestId: z.string().trim().min(8, 'must be a request id of at least 8 characters').max(200),
    /** Who loads it (an admin account). */
    by: z.string().trim().min(1, 'must name who loads the notice'),
    arrangement: YearArrangementSchema,
  })
  .strict();
export type LoadHolidayNoticeRequest = z.input<typeof LoadHolidayNoticeRequest>;

/** The answer to a load (also to a repeated request id). */
export const LoadHolidayNoticeResult = z.object({
  requestId: z.string(),
  /** The registry's version after the load; workers answer from it within seconds. */
  version: z.number().int().positive(),
  year: z.number().int(),
  documentNumber: z.string(),
  /** What the notice replaced for its year: the provisional derivation, a notice on disk or built in, or an earlier load. */
  replaced: z.enum(['provisional', 'notice', 'loaded']),
  loadedAt: z.string(),
});
export type LoadHolidayNoticeResult = z.infer<typeof LoadHolidayNoticeResult>;

/** One notice loaded through the registry. */
export const LoadedNotice = z.object({
  version: z.number().int().positive(),
  loadedAt: z.string(),
  by: z.string(),
  arrangement: YearArrangementSchema,
});
export type LoadedNotice = z.infer<typeof LoadedNotice>;

/** The `getCalendar` query: the version and the notices loaded, in load order. */
export const CalendarRegistryView = z.object({
  version: z.number().int().nonnegative(),
  notices: z.array(LoadedNotice),
});
export type CalendarRegistryView = z.infer<typeof CalendarRegistryView>;

/** Signal to a running review: a notice was loaded; recount deadlines counted on its year. */
export const CalendarChanged = z.object({
  version: z.number().int().positive(),
  year: z.number().int(),
  documentNumber: z.string(),
});
export type CalendarChanged = z.infer<typeof CalendarChanged>;

/** `GET /calendar`: the workers' calendar as of now. */
export const CalendarSummary = z.object({
  version: z.number().int().nonnegative(),
  loaded: z.array(z.object({ version: z.number().int(), loadedAt: z.string(), by: z.string(), year: z.number().int(), documentNumber: z.string() })),
  years: z.array(z.object({ year: z.number().int(), documentNumber: z.string(), provisional: z.boolean() })),
  provisionalYears: z.array(z.number().int()),
});
export type CalendarSummary = z.infer<typeof CalendarSummary>;

/** `POST /calendar/notices`: the notice; who loads it comes from the token. */
export const LoadHolidayNoticeBody = z.object({ requestId: z.string().trim().min(8).max(200), arrangement: YearArrangementSchema }).strict();
