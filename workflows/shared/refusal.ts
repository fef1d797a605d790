import { ApplicationFailure } from '@temporalio/workflow';
import type { z } from 'zod';
import type { FailureType } from '../../schemas/errors';
import { FailureType as Failure } from '../../schemas/errors';
import { issuesOf } from '../../schemas/validation';

/**
 * Refuses a request from workflow code: a non-retryable failure whose type callers branch on
 * (schemas/errors.ts) and whose details carry what the client shows (field issues, the stage).
 */
export function refuse(type: FailureType, message: string, details?: unknown): never {
  throw ApplicationFailure.create({ type, message, nonRetryable: true, details: details === undefined ? [] : [details] });
}

/** Parses `value` or refuses it as ValidationFailed, naming each field (under `what`) and its rule. */
export function parseOrRefuse<S extends z.ZodTypeAny>(schema: S, value: unknown, what?: string): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) {
    const issues = issuesOf(r.error, what);
    refuse(Failure.ValidationFailed, issues.map((i) => `${i.field}: ${i.rule}`).join('; '), issues);
  }
  return r.data;
}
