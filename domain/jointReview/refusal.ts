import { FailureType } from '../../schemas/errors';
import { refuse, type Refusal } from '../refusal';

export { isRefusal, refuse, type Refusal } from '../refusal';

/** The refusal for a count that reaches a year without holiday data. */
export function calendarGap(year: number, what: string): Refusal {
  return refuse(
    FailureType.UnknownHolidayYear,
    `cannot count ${what}: no State Council holiday notice on record for ${year}; add it as seeds/holidays/${year}.json and restart the worker (working days are never guessed)`,
    { year },
  );
}
