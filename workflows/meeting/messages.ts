import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { LocalDate } from '../../schemas/common';
import type { FollowUpItem, MeetingConfig, MeetingView, RecordDecisionsRequest } from '../../schemas/meeting';

/** The Temporal Schedule that starts one meeting workflow a week. */
export const MEETING_SCHEDULE_ID = 'keyflow-weekly-meeting';

/**
 * Input of the weekly meeting workflow (周例会). The schedule passes only the configuration; the
 * workflow plans the meeting of the first configured weekday after the day it starts.
 * `nominalDate` names the meeting day explicitly (a manual run, a re-run of a given week).
 */
export interface WeeklyMeetingInput {
  config: MeetingConfig;
  nominalDate?: LocalDate;
}

export interface MeetingSummary {
  meetingId: string;
  week: string;
  meetingDate: LocalDate;
  status: 'concluded' | 'skipped';
  agendaItems: number;
  followUps: string[];
}

/** The meeting as it stands: plan, status, latest agenda, decisions recorded. */
export const getMeetingQuery = defineQuery<MeetingView>('getMeeting');

/**
 * Records the meeting's decisions as follow-up items (议定事项). Accepted from the start of the
 * meeting to the end of the decisions window; each decision must concern a project on the
 * agenda. Repeating a request id returns the first answer and records nothing new.
 */
export const recordDecisionsUpdate = defineUpdate<FollowUpItem[], [RecordDecisionsRequest]>('recordDecisions');
