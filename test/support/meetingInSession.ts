import type { Client } from '@temporalio/client';
import { previousWorkingDay, shanghaiDate } from '../../domain/calendar';
import { SA } from '../../schemas/searchAttributes';
import meetingSeed from '../../seeds/meeting.json';
import { loadMeetingConfig } from '../../seeds/meetingConfig';

/**
 * A weekly meeting whose time has come, on the real server: its nominal day is the last working
 * day before today and it starts at 00:01, so it compiles its agenda at once and takes decisions
 * now (the dev server's clock cannot be moved). Returns the workflow id.
 */
export async function startMeetingInSession(ctx: { client: Client; taskQueue: string }, name: string): Promise<string> {
  const meetingDay = previousWorkingDay(shanghaiDate(new Date()));
  const config = loadMeetingConfig({ ...meetingSeed, time: '00:01', finalReminder: { at: '00:00' } });
  const workflowId = `meeting-${name}-${meetingDay}`;
  await ctx.client.workflow.start('weeklyMeeting', {
    taskQueue: ctx.taskQueue,
    workflowId,
    args: [{ config, nominalDate: meetingDay }],
    typedSearchAttributes: [{ key: SA.kind, value: 'meeting' }],
  });
  return workflowId;
}
