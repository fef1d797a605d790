import { ApplicationFailure, WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { FailureType } from '../schemas/errors';
import { FieldIssue, ValidationError } from '../schemas/validation';

/**
 * The one error type keyflow's client throws for refusals a user can act on. `type` names the
 * failure (see FailureType); `issues` name fields and rules for validation failures.
 */
export class KeyflowError extends Error {
  override name = 'KeyflowError';
  constructor(
    readonly type: FailureType,
    message: string,
    readonly issues: FieldIssue[] = [],
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** Turns what Temporal or zod threw into a KeyflowError when it is a refusal, else rethrows. */
export function toKeyflowError(err: unknown, context: { projectCode?: string } = {}): unknown {
  if (err instanceof KeyflowError) return err;
  if (err instanceof ValidationError) return new KeyflowError(FailureType.ValidationFailed, err.message, err.issues);
  if (err instanceof WorkflowExecutionAlreadyStartedError) {
    return new KeyflowError(FailureType.ProjectAlreadyRegistered, `project ${context.projectCode ?? ''} is already registered`.replace('  ', ' '));
  }
  if (err instanceof WorkflowNotFoundError) {
    return new KeyflowError(FailureType.ProjectNotFound, `no such project${context.projectCode ? ` ${context.projectCode}` : ''}`);
  }
  const failure = err instanceof WorkflowUpdateFailedError ? err.cause : err;
  if (failure instanceof ApplicationFailure && failure.type && failure.type in FailureType) {
    const [first] = failure.details ?? [];
    const issues = Array.isArray(first) ? (first as FieldIssue[]) : [];
    return new KeyflowError(failure.type as FailureType, failure.message, issues, first);
  }
  return err;
}
