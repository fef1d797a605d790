/**
 * A review started now is lean in its history (version 'review-2026-12-02'): one patch marker
 * for all its changes, one calendar local activity for its whole run, one alarm timer armed per reminder or deadline (not one per wake-up), and at most one
 * search-attribute write per workflow task. Its approvals are sent the moment it is started, with
 * no wait: they queue behind the start's deadlines. Time-skipping server pinned to a working day.
 */
import { temporal } from '@temporalio/proto';
import { actOnTask, getReviewState, startReviewStage } from '../../client/reviews';
import type { ClientContext } from '../../client/projects';
import { loadJointReviewConfig } from '../../seeds/jointReview';
import { reviewStageInput, reviewStageWorkflowId } from '../../workflows/review/messages';
import { eventually, RecordingPublisher, reviewTestEnv } from './jointReviewHarness';

const AT = new Date('2026-11-03T10:00:00+08:00');
const CODE = '2026-411122-13-03-000732';
const STAGE = 'landUsePlanning';
const { EventType } = temporal.api.enums.v1;

interface HistoryCounts {
  byType: Record<string, number>;
  localActivities: Record<string, number>;
  patches: number;
}

function counts(events: temporal.api.history.v1.IHistoryEvent[]): HistoryCounts {
  const byType: Record<string, number> = {};
  const localActivities: Record<string, number> = {};
  let patches = 0;
  for (const e of events) {
    if (e.markerRecordedEventAttributes?.markerName === 'core_patch') patches += 1;
    const type = (EventType[e.eventType ?? 0] ?? '').replace('EVENT_TYPE_', '');
    byType[type] = (byType[type] ?? 0) + 1;
    const data = e.markerRecordedEventAttributes?.details?.data?.payloads?.[0]?.data;
    if (e.markerRecordedEventAttributes?.markerName === 'core_local_activity' && data) {
      const activity = (JSON.parse(Buffer.from(data).toString()) as { activity_type: string }).activity_type;
      localActivities[activity] = (localActivities[activity] ?? 0) + 1;
    }
  }
  return { byType, localActivities, patches };
}

describe('a lean review', () => {
  it('asks the calendar once, keeps one alarm, writes its search attributes once per task, and takes approvals sent with its start', async () => {
    const publisher = new RecordingPublisher();
    const h = await reviewTestEnv({ at: AT, publisher });
    try {
      await h.run(async () => {
        const ctx: ClientContext = { client: h.client, taskQueue: h.taskQueue };
        const input = reviewStageInput({ code: CODE, name: '漯河统一企业高端方便面生产线', county: 'etdz', leadDepartment: 'fgw' }, loadJointReviewConfig(), STAGE, 'xzsp:wang');
        await startReviewStage(ctx, input);
        const departments = input.stage.participants.map((p) => p.department);
        expect(departments.length).toBeGreaterThan(1);
        // No wait for the state query: the updates are registered before the start's first await.
        const results = await Promise.all(
          departments.map((d) => actOnTask(ctx, CODE, STAGE, { requestId: `lean-approve-${d}`, department: d, actor: { by: `${d}:clerk`, department: d }, action: 'approve', reason: '材料齐全，同意' })),
        );
        expect(results.map((r) => r.taskStatus)).toEqual(departments.map(() => 'approved'));
        const handle = h.client.workflow.getHandle(reviewStageWorkflowId(CODE, STAGE));
        await eventually(async () => (await handle.describe()).status.name === 'COMPLETED', 'the review to finish', 30_000);
        expect((await getReviewState(ctx, CODE, STAGE)).outcome?.outcome).toBe('approved');

        const { byType, localActivities, patches } = counts((await handle.fetchHistory()).events ?? []);
        // Its changes up to its version in one marker (workflows/shared/versions.ts), not one per change.
        console.log(JSON.stringify({ byType, localActivities }));
        expect(patches).toBe(1);
        expect(localActivities.calendarYears).toBe(1);
        expect(localActivities.askCalendar ?? 0).toBe(0);
        // The first deadline's reminder is armed once; every approval in between leaves it alone.
        expect(byType.TIMER_STARTED ?? 0).toBeLessThanOrEqual(2);
        // One write per workflow task, and the SDK's TemporalChangeVersion write with the version's marker.
        expect(byType.UPSERT_WORKFLOW_SEARCH_ATTRIBUTES ?? 0).toBeLessThanOrEqual((byType.WORKFLOW_TASK_COMPLETED ?? 0) + 1);
        expect(publisher.events.map((e) => e.type.replace('cn.keyflow.review.', ''))).toEqual([
          ...departments.map(() => 'taskAssigned'),
          ...departments.map(() => 'taskDecided'),
          'stageCompleted',
        ]);
      });
    } finally {
      await h.teardown();
    }
  }, 180_000);
});
