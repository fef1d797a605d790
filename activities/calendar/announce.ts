import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { CalendarChanged } from '../../schemas/calendar';
import { SA } from '../../schemas/searchAttributes';
import { calendarChangedSignal } from '../../workflows/calendar/messages';

/**
 * Tells every running review whose open deadlines were counted across the notice's year
 * (KeyflowDeadlineYears) to recount them on the new calendar version. Idempotent: a review
 * ignores a version it has already recounted on.
 */
export async function announceCalendarChange(client: Client | undefined, change: CalendarChanged): Promise<{ signalled: number }> {
  if (!client) throw new Error('announceCalendarChange needs a Temporal client (ActivityDeps.client)');
  const query = `${SA.kind.name} = 'review-stage' AND ExecutionStatus = 'Running' AND ${SA.deadlineYears.name} = '${change.year}'`;
  let signalled = 0;
  for await (const wf of client.workflow.list({ query })) {
    try {
      await client.workflow.getHandle(wf.workflowId, wf.runId).signal(calendarChangedSignal, change);
      signalled++;
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err; // closed meanwhile: nothing left to recount
    }
  }
  return { signalled };
}
