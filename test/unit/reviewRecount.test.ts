/**
 * The review workflow on the time-skipping server, started at 2026-12-01 09:00 Shanghai (pinned
 * with libfaketime): a 30-working-day stage counts into 2027, which has no notice — its deadline
 * is provisional in the state, the events and the inbox facts; then a 2027 notice (a TEST
 * FIXTURE) is loaded into the worker's calendar and `calendarChanged` makes the review recount:
 * new deadline, audit old → new, a deadlineRecounted event and a reminder naming the new date.
 */
import { mkdtempSync } from 'fs';
import os from 'os';
import path from 'path';
import { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { CalendarHolder } from '../../activities/calendar/holder';
import { getReviewState, startReviewStage } from '../../client/reviews';
import { provisionalYear } from '../../domain/calendar/provisional';
import type { CalendarRegistryView } from '../../schemas/calendar';
import type { ReviewState } from '../../schemas/jointReview';
import type { Reminder } from '../../schemas/meeting';
import { loadCalendar } from '../../seeds/holidays';
import { loadJointReviewConfig } from '../../seeds/jointReview';
import { calendarChangedSignal } from '../../workflows/calendar/messages';
import { departmentItemsQuery, reviewStageInput, reviewStageWorkflowId } from '../../workflows/review/messages';
import { testNoticeFixture } from '../support/calendars';
import { createTimeSkippingEnvAt } from '../support/fixedClock';
import { eventually, RecordingPublisher, workflowBundle } from './jointReviewHarness';

const holidaysDir = mkdtempSync(path.join(os.tmpdir(), 'keyflow-holidays-'));

describe('a review counted on a provisional 2027, recounted when the notice is loaded', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await createTimeSkippingEnvAt(new Date('2026-12-01T09:00:00+08:00'));
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('marks, then recounts deadline, audit, event and reminder', async () => {
    let view: CalendarRegistryView = { version: 0, notices: [] };
    const holder = new CalendarHolder({ dir: holidaysDir, fetch: async () => view });
    const publisher = new RecordingPublisher();
    const taskQueue = 'review-recount';
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await workflowBundle(),
      activities: createActivities({ publisher, calendarHolder: holder }),
    });
    const client = new Client({ connection: env.connection, namespace: env.namespace ?? 'default' });
    const ctx = { client, taskQueue };
    const code = '2026-411122-13-03-000901';
    const input = reviewStageInput({ code, name: '舞阳金大地合成氨项目', county: '411121', leadDepartment: 'fgw' }, loadJointReviewConfig(), 'engineeringPermit', 'xzsp:wang');

    await worker.runUntil(async () => {
      await startReviewStage(ctx, input);
      const before = await eventually(() => getReviewState(ctx, code, 'engineeringPermit').catch(() => undefined), 'the review to start');
      const accepted = before.acceptedAt.slice(0, 10);
      const provisionalCal = loadCalendar(holidaysDir);
      const zrzy = before.tasks.find((t) => t.department === 'zrzy')!;
      expect(zrzy.deadlineDate).toBe(provisionalCal.addWorkingDays(accepted, 30));
      expect(zrzy.deadlineDate.startsWith('2027-')).toBe(true);
      expect(zrzy.provisional).toMatchObject({ years: [2027], calendarVersion: 0 });
      const assigned = publisher.ofType('taskAssigned').find((e) => (e.data as { department: string }).department === 'zrzy')!;
      expect(assigned.data).toMatchObject({ provisional: { years: [2027] } });
      const handle = client.workflow.getHandle(reviewStageWorkflowId(code, 'engineeringPermit'));
      const items = await handle.query(departmentItemsQuery, 'zrzy');
      expect(items[0]).toMatchObject({ provisional: { years: [2027], basis: expect.stringContaining('2027年国务院节假日安排通知尚未发布') } });
      await eventually(async () => {
        const sa = (await handle.describe()).searchAttributes as Record<string, unknown>;
        return JSON.stringify(sa.KeyflowDeadlineYears ?? []).includes('2027') || undefined;
      }, 'KeyflowDeadlineYears to name 2027');

      // The notice (TEST FIXTURE) makes the provisional deadline a day off: it must move.
      const notice = testNoticeFixture(provisionalYear(2027), [zrzy.deadlineDate]);
      view = { version: 1, notices: [{ version: 1, loadedAt: new Date().toISOString(), by: 'admin', arrangement: JSON.parse(JSON.stringify(notice)) }] };
      await handle.signal(calendarChangedSignal, { version: 1, year: 2027, documentNumber: notice.notice.documentNumber });
      const after: ReviewState = await eventually(async () => {
        const s = await getReviewState(ctx, code, 'engineeringPermit');
        return s.tasks.find((t) => t.department === 'zrzy')!.audit.some((a) => a.action === 'deadlineRecounted') ? s : undefined;
      }, 'the recount');
      const loadedCal = loadCalendar(holidaysDir, [notice]);
      const moved = after.tasks.find((t) => t.department === 'zrzy')!;
      expect(moved.deadlineDate).toBe(loadedCal.addWorkingDays(accepted, 30));
      expect(moved.deadlineDate > zrzy.deadlineDate).toBe(true);
      expect(moved.provisional).toBeUndefined();
      expect(moved.audit.at(-1)).toMatchObject({ action: 'deadlineRecounted', deadlineAtThatMoment: zrzy.deadline, deadlineAfter: moved.deadline });
      expect(moved.audit.at(-1)!.reason).toContain(`TEST-FIXTURE-2027重算期限：${zrzy.deadlineDate} → ${moved.deadlineDate}`);
      // Tasks due in December 2026 did not move.
      for (const t of after.tasks.filter((x) => x.department !== 'zrzy')) expect(t.deadlineDate).toBe(before.tasks.find((b) => b.department === t.department)!.deadlineDate);

      await eventually(async () => publisher.ofType('deadlineRecounted').length > 0 || undefined, 'the recount event');
      expect(publisher.ofType('deadlineRecounted').map((e) => e.data)).toEqual([
        expect.objectContaining({ department: 'zrzy', kind: 'task', previousDeadlineDate: zrzy.deadlineDate, deadlineDate: moved.deadlineDate, documentNumber: 'TEST-FIXTURE-2027', calendarVersion: 1 }),
      ]);
      const reminders = await eventually(() => {
        const r = publisher.events.filter((e) => e.type === 'cn.keyflow.reminder.deadlineRecounted');
        return r.length > 0 ? r : undefined;
      }, 'the reminder');
      expect(reminders).toHaveLength(1);
      expect(reminders[0]!.topic).toBe('keyflow.reminders');
      const reminder = reminders[0]!.data as Reminder;
      expect(reminder.recipient).toMatchObject({ kind: 'department', id: 'zrzy' });
      expect(reminder.markdown).toContain(`新期限：${moved.deadlineDate}`);

      // The same version again changes nothing.
      await handle.signal(calendarChangedSignal, { version: 1, year: 2027, documentNumber: 'TEST-FIXTURE-2027' });
      const again = await getReviewState(ctx, code, 'engineeringPermit');
      expect(again.tasks.find((t) => t.department === 'zrzy')!.audit.filter((a) => a.action === 'deadlineRecounted')).toHaveLength(1);
      await handle.terminate('test done');
    });
  });
});
