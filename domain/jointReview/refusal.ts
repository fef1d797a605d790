import { FailureType } from '../../schemas/errors';
import type { FieldIssue } from '../../schemas/validation';

/**
 * Why an action is refused, as data: the workflow turns it into an ApplicationFailure of that
 * type (a refused update changes nothing), tests read it directly.
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

/** The refusal for a count that reaches a year without holiday data. */
export function calendarGap(year: number, what: string): Refusal {
  return refuse(
    FailureType.UnknownHolidayYear,
    `cannot count ${what}: no State Council holiday notice on record for ${year}; add it as seeds/holidays/${year}.json and restart the worker (working days are never guessed)`,
    { year },
  );
}
