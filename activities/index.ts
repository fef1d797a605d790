import type { Client } from '@temporalio/client';
import type { WorkingDayCalendar } from '../domain/calendar';
import { CalendarAnswer, CalendarQuestion, type CalendarChanged, type CalendarYearsQuestion } from '../schemas/calendar';
import { announceCalendarChange } from './calendar/announce';
import { EmitRequest } from '../schemas/events/envelope';
import { answerCalendar } from './calendar/answer';
import { answerCalendarYears } from './calendar/years';
import type { CalendarHolder } from './calendar/holder';
import { emitEvent, emitEvents } from './events/emit';
import { EventPublisher, Published } from './events/publisher';
import { meetingActivities } from './meeting';
import { rankingActivities } from './rankings';

import type { ReadModel } from '../projections/db';

export interface ActivityDeps {
  publisher: EventPublisher;
  /** Temporal client, for activities that read live state through visibility and queries. */
  client?: Client;
  /** The working-day calendar `askCalendar` answers from (seeds/holidays.ts `loadCalendar()`); default: the built-in notices. */
  calendar?: WorkingDayCalendar;
  /**
   * The worker's live calendar (activities/calendar/holder.ts): notices on disk plus those loaded
   * through the calendar registry, refreshed without a restart. When set, `askCalendar` answers
   * from it (with its version) instead of `calendar`.
   */
  calendarHolder?: CalendarHolder;
  /** Folder the ranking reports (HTML, CSV) are written to; default `<os tmpdir>/keyflow-reports`. */
  reportsDir?: string;
  /**
   * The read model (projections/) and the brokers it follows: when set, the agenda is compiled
   * from it, after it caught up with the topics (at most `catchUpMs`), instead of from every workflow.
   */
  readModel?: ReadModelSource;
}

export interface ReadModelSource {
  model: ReadModel;
  brokers: string[];
  /** How long a compilation waits for the model to catch up before it compiles with the lag it has. */
  catchUpMs?: number;
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
    /** Publishes an outbox's queued events, in order, in one produce request; idempotent by event id. */
    async publishEvents(requests: EmitRequest[]): Promise<Published[]> {
      return emitEvents(deps.publisher, requests);
    },
    /** Working-day calendar answers, run as a local activity so they are recorded in history. */
    async askCalendar(questions: CalendarQuestion[], opts?: { minVersion?: number }): Promise<CalendarAnswer[]> {
      if (deps.calendarHolder) {
        const { calendar, version } = await deps.calendarHolder.current(opts?.minVersion);
        return answerCalendar(questions, calendar, version);
      }
      return answerCalendar(questions, deps.calendar);
    },
    /** Whole years of the working-day calendar, run as a local activity: a review counts its deadlines on them. */
    async calendarYears(question: CalendarYearsQuestion): Promise<ReturnType<typeof answerCalendarYears>> {
      if (deps.calendarHolder) {
        const { calendar, version } = await deps.calendarHolder.current(question.minVersion);
        return answerCalendarYears(question, calendar, version);
      }
      return answerCalendarYears(question, deps.calendar);
    },
    /** After a notice is loaded: the running reviews counted on its year recount (calendar registry). */
    async announceCalendarChange(change: CalendarChanged): Promise<{ signalled: number }> {
      await deps.calendarHolder?.refresh();
      return announceCalendarChange(deps.client, change);
    },
    ...meetingActivities(deps),
    ...rankingActivities(deps),
  };
}
export type KeyflowActivities = ReturnType<typeof createActivities>;
