import { z } from 'zod';

/** One broken rule: which field, and what the rule is — words a clerk can act on. */
export interface FieldIssue {
  field: string;
  rule: string;
}

export function issuesOf(err: z.ZodError, prefix?: string): FieldIssue[] {
  return err.issues.map((i) => ({
    field: [prefix, ...i.path.map(String)].filter((p) => p !== undefined && p !== '').join('.') || prefix || '(input)',
    rule: i.message === 'Required' ? 'is required' : i.message,
  }));
}

/** Bad input. Thrown before anything changes, so nothing needs undoing. */
export class ValidationError extends Error {
  override name = 'ValidationError';
  constructor(readonly issues: FieldIssue[]) {
    super(issues.map((i) => `${i.field}: ${i.rule}`).join('; '));
  }
}

/** Parses `value` with `schema` or throws a ValidationError naming each field and rule. */
export function validate<S extends z.ZodTypeAny>(schema: S, value: unknown, prefix?: string): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw new ValidationError(issuesOf(r.error, prefix));
  return r.data;
}
