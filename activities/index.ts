import type { Client } from '@temporalio/client';
import type { WorkingDayCalendar } from '../domain/calendar';
import { CalendarAnswer, CalendarQuestion } from '../schemas/calendar';
import { EmitRequest } from '../schemas/events/envelope';
import { answerCalendar } from './calendar/answer';
import { emitEvent } from './events/emit';
import { EventPublisher, Published } from './events/publisher';
import { meetingActivities } from './meeting';
import { rankingActivities } from './rankings';

export interface ActivityDeps {
  publisher: EventPublisher;
  /** Temporal client, for activities that read live state through visibility and queries. */
  client?: Client;
  /** The working-day calendar `askCalendar` answers from (seeds/holidays.ts `loadCalendar()`); default: the built-in notices. */
  calendar?: WorkingDayCalendar;
  /** Folder the ranking reports (HTML, CSV) are written to; default `<os tmpdir>/keyflow-reports`. */
  reportsDir?: string;
}

/**
 * All of keyflow's activities, bound to their dependencies. Workflows see only the type
 * (`proxyActivities<KeyflowActivities>`), so no I/O module enters the workflow bundle.
 */
export function createActivities(deps: ActivityDeps) {
  return {
    /** Publishes one domain event to Kafka; idempotent by event id. */
    async publishEvent(request: EmitRequest): Promise<Published> {
      return emitEvent(deps.publisher, request);
    },
    /** Working-day calendar answers, run as a local activity so they are recorded in history. */
    async askCalendar(questions: CalendarQuestion[]): Promise<CalendarAnswer[]> {
      return answerCalendar(questions, deps.calendar);
    },
    ...meetingActivities(deps),
    ...rankingActivities(deps),
  };
}
export type KeyflowActivities = ReturnType<typeof createActivities>;
