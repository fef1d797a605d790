import { z } from 'zod';

/**
 * Text people wrote may hold any character except control characters other than line feed and
 * tab (U+0000–U+0008, U+000B–U+001F, U+007F–U+009F), and UTF-16 surrogates standing alone (half
 * of a pair, e.g. `\ud800`): neither can be stored, shown or sent on (Kafka, WeCom, CSV) as
 * written. With the `u` flag a proper pair is one code point, outside the surrogate range.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
export const CLEAN_TEXT = /^[^\x00-\x08\x0B-\x1F\x7F-\x9F\uD800-\uDFFF]*$/u;
export const CLEAN_TEXT_RULE = 'must not contain control characters (other than line feed and tab) or lone UTF-16 surrogates';

/** A text field: `base` (default any string) with the clean-text rule. Stays a ZodString, so it chains on. */
export function Text(base: z.ZodString = z.string()): z.ZodString {
  return base.regex(CLEAN_TEXT, CLEAN_TEXT_RULE);
}

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

/**
 * Who did something — every state change carries one. Through the API it is always the
 * authenticated principal (api/route.ts actorOf), never what the body says: `by` is the label the
 * records show (`fgw.li:李主任（部门负责人）`, or `api:<token id>` for a service token), and the
 * person's id, name and role travel beside it.
 */
export const Actor = z.object({
  /** A person or system account, e.g. `fgw.li:李主任（部门负责人）`. */
  by: Text(z.string().trim().min(1, 'must name who acts').max(120)),
  /** The department the actor acts for, when acting for one. */
  department: Slug.optional(),
  /** The user (login name) who acted, when a person did. */
  userId: z.string().max(40).optional(),
  /** The person's name, e.g. 李主任. */
  name: Text(z.string().max(40)).optional(),
  /** The role(s) the actor acted in (schemas/users.ts UserRole, or a service token's role). */
  role: z.string().max(80).optional(),
  /** The API token presented, by id (never the token). */
  tokenId: Slug.optional(),
});
export type Actor = z.infer<typeof Actor>;

export const Reason = Text(z.string().trim().min(2, 'must give a reason').max(2000));

/** Idempotency key of a user's request: repeating a request with the same id changes nothing. */
export const RequestId = Text(z.string().trim().min(8, 'must be at least 8 characters').max(128));
