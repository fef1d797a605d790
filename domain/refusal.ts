import type { FailureType } from '../schemas/errors';
import type { FieldIssue } from '../schemas/validation';

/**
 * Why a request is refused, as data: every entity's rules answer one instead of throwing, the
 * workflow turns it into an ApplicationFailure of that type (a refused update changes nothing),
 * tests read it directly.
 */
export interface Refusal {
  readonly refused: true;
  readonly type: FailureType;
  readonly message: string;
  /** Field issues for ValidationFailed; other facts (e.g. `{ year }`) otherwise. */
  readonly details?: FieldIssue[] | Record<string, unknown>;
}

export function refuse(type: FailureType, message: string, details?: Refusal['details']): Refusal {
  return { refused: true, type, message, ...(details === undefined ? {} : { details }) };
}

export function isRefusal(x: unknown): x is Refusal {
  return typeof x === 'object' && x !== null && (x as { refused?: unknown }).refused === true;
}
