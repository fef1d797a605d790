import { z } from 'zod';
import { LocalDate } from './common';

const When = z.string().min(10);

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
  z.object({ ok: z.literal(true), value: z.union([z.string(), z.number(), z.boolean()]) }),
  z.object({ ok: z.literal(false), error: z.enum(['UnknownHolidayYear', 'InvalidDate']), message: z.string(), year: z.number().optional() }),
]);
export type CalendarAnswer = z.infer<typeof CalendarAnswer>;
