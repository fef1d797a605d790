import { z } from 'zod';

/** A calendar date in Asia/Shanghai, `YYYY-MM-DD`. */
export const LocalDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date written YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
  }, 'must be a real calendar date');
export type LocalDate = z.infer<typeof LocalDate>;

/** A month `YYYY-MM`, the unit of progress reporting (月报). */
export const YearMonth = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month written YYYY-MM');
export type YearMonth = z.infer<typeof YearMonth>;

/** An instant, ISO-8601 with offset (e.g. `2026-03-02T09:00:00+08:00`). */
export const Instant = z.string().datetime({ offset: true, message: 'must be an ISO-8601 date-time with offset' });

/**
 * Money in 万元 (ten thousand yuan), the unit Chinese key-project lists use.
 * Two decimals are enough (100 yuan).
 */
export const Wan = z
  .number({ invalid_type_error: 'must be a number (万元)' })
  .finite()
  .nonnegative('must not be negative')
  .refine((n) => Math.round(n * 100) === Number((n * 100).toFixed(6)), 'must have at most two decimals');

/** A short identifier: lower-case letters, digits and dashes. */
export const Slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lower-case letters, digits and dashes');

/** Who did something and why — every state change carries one. */
export const Actor = z.object({
  /** A person or system account, e.g. `fgw:zhang.wei`. */
  by: z.string().trim().min(1, 'must name who acts').max(120),
  /** The department the actor acts for, when acting for one. */
  department: Slug.optional(),
});
export type Actor = z.infer<typeof Actor>;

export const Reason = z.string().trim().min(2, 'must give a reason').max(2000);

/** Idempotency key of a user's request: repeating a request with the same id changes nothing. */
export const RequestId = z.string().trim().min(8, 'must be at least 8 characters').max(128);
