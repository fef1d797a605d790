/**
 * The calendar registry workflow (`keyflow-calendar`): loads a notice with a new version, refuses
 * a bad one naming the field and the rule (changing nothing), answers a repeated request id with
 * the first answer, and announces each load so running reviews recount. No dates of the run
 * matter here: the notices are fixtures.
 */
import { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createActivities } from '../../activities';
import { ensureCalendarRegistry, loadHolidayNotice, readCalendarRegistry } from '../../client/calendar';
import { KeyflowError } from '../../client/errors';
import { provisionalYear } from '../../domain/calendar/provisional';
import type { CalendarChanged } from '../../schemas/calendar';
import { testNoticeFixture } from '../support/calendars';
import { createTimeSkippingEnv } from '../support/timeSkipping';
import { RecordingPublisher, workflowBundle } from './jointReviewHarness';

describe('the calendar registry', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await createTimeSkippingEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('loads, refuses, repeats and announces', async () => {
    const announced: CalendarChanged[] = [];
    const taskQueue = 'calendar-registry';
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await workflowBundle(),
      activities: {
        ...createActivities({ publisher: new RecordingPublisher() }),
        announceCalendarChange: async (c: CalendarChanged) => {
          announced.push(c);
          return { signalled: 0 };
        },
      },
    });
    const ctx = { client: env.client, taskQueue };
    const notice = JSON.parse(JSON.stringify(testNoticeFixture(provisionalYear(2027), []))) as unknown;
    await worker.runUntil(async () => {
      await ensureCalendarRegistry(ctx);
      await ensureCalendarRegistry(ctx); // idempotent
      expect(await readCalendarRegistry(env.client)).toEqual({ version: 0, notices: [] });

      const first = await loadHolidayNotice(ctx, { requestId: 'load-2027-a', by: 'admin', arrangement: notice });
      expect(first).toMatchObject({ version: 1, year: 2027, documentNumber: 'TEST-FIXTURE-2027', replaced: 'provisional' });
      expect(await loadHolidayNotice(ctx, { requestId: 'load-2027-a', by: 'admin', arrangement: notice })).toEqual(first);

      const weekdayMakeup = { ...(notice as object), makeupWorkdays: ['2027-01-06'] };
      const refused = await loadHolidayNotice(ctx, { requestId: 'load-2027-b', by: 'admin', arrangement: weekdayMakeup }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(KeyflowError);
      expect((refused as KeyflowError).message).toContain('make-up working day 2027-01-06 must be a Saturday or Sunday');
      expect((refused as KeyflowError).issues).toEqual([expect.objectContaining({ field: 'arrangement.makeupWorkdays' })]);

      const provisional = await loadHolidayNotice(ctx, { requestId: 'load-2027-c', by: 'admin', arrangement: { ...(notice as object), provisional: { basis: 'x' } } }).catch((e: unknown) => e);
      expect((provisional as KeyflowError).issues).toEqual([expect.objectContaining({ field: 'arrangement.provisional' })]);

      const amended = await loadHolidayNotice(ctx, { requestId: 'load-2027-d', by: 'admin', arrangement: { ...(notice as object), notice: { title: 'TEST FIXTURE amended', documentNumber: 'TEST-FIXTURE-2027-AMENDED', published: '2027-01-10' } } });
      expect(amended).toMatchObject({ version: 2, replaced: 'loaded' });
      const view = await readCalendarRegistry(env.client);
      expect(view!.version).toBe(2);
      expect(view!.notices.map((n) => [n.version, n.arrangement.notice.documentNumber])).toEqual([
        [1, 'TEST-FIXTURE-2027'],
        [2, 'TEST-FIXTURE-2027-AMENDED'],
      ]);
      for (let i = 0; i < 50 && announced.length < 2; i++) await new Promise((r) => setTimeout(r, 100));
      expect(announced).toEqual([
        { version: 1, year: 2027, documentNumber: 'TEST-FIXTURE-2027' },
        { version: 2, year: 2027, documentNumber: 'TEST-FIXTURE-2027-AMENDED' },
      ]);
      await env.client.workflow.getHandle('keyflow-calendar').terminate('test done');
    });
  });
});
