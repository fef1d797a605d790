/**
 * The outbox's fast path (patch 'outbox-local-send'): a review's events go out as a local
 * activity inside the workflow task that queued them, so its history has no publishing activity;
 * when the broker does not answer the local send, the outbox falls back to the durable activity,
 * which retries until it does, and no event is lost or reordered. Time-skipping server pinned to
 * a working day; the publisher is the test's own, failing on purpose.
 */
import { temporal } from '@temporalio/proto';
import type { Published } from '../../activities/events/publisher';
import { actOnTask, getReviewState, startReviewStage } from '../../client/reviews';
import type { ClientContext } from '../../client/projects';
import type { CloudEvent } from '../../schemas/events/envelope';
import type { TopicName } from '../../schemas/topics';
import { loadJointReviewConfig } from '../../seeds/jointReview';
import { reviewStageInput, reviewStageWorkflowId } from '../../workflows/review/messages';
import { eventually, RecordingPublisher, reviewTestEnv } from './jointReviewHarness';

const AT = new Date('2026-11-03T10:00:00+08:00');
const CODE = '2026-411122-13-03-000731';
const { EventType } = temporal.api.enums.v1;

/** Refuses `failures` sends (the broker away), then records as usual. */
class BrokerAwayFirst extends RecordingPublisher {
  attempts = 0;
  constructor(private failures: number) {
    super();
  }
  override async publish(topic: TopicName, event: CloudEvent): Promise<Published> {
    this.attempts += 1;
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error('KafkaJSConnectionError: broker away (test)');
    }
    return super.publish(topic, event);
  }
}

function input() {
  const i = reviewStageInput({ code: CODE, name: '漯河统一企业高端方便面生产线', county: 'etdz', leadDepartment: 'fgw' }, loadJointReviewConfig(), 'landUsePlanning', 'xzsp:wang');
  i.stage = { ...i.stage, limitWorkingDays: 10, participants: [{ department: 'zrzy', limitWorkingDays: 10, matter: '用地审查' }] };
  return i;
}

async function runReview(publisher: RecordingPublisher): Promise<{ kinds: string[]; events: string[] }> {
  const h = await reviewTestEnv({ at: AT, publisher });
  try {
    return await h.run(async () => {
      const ctx: ClientContext = { client: h.client, taskQueue: h.taskQueue };
      await startReviewStage(ctx, input());
      await eventually(() => getReviewState(ctx, CODE, 'landUsePlanning').catch(() => undefined), 'the review to start');
      await actOnTask(ctx, CODE, 'landUsePlanning', { requestId: 'fast-path-approve-1', department: 'zrzy', actor: { by: 'zrzy:zhang', department: 'zrzy' }, action: 'approve' });
      const handle = h.client.workflow.getHandle(reviewStageWorkflowId(CODE, 'landUsePlanning'));
      await eventually(async () => (await handle.describe()).status.name === 'COMPLETED', 'the review to finish', 30_000);
      const history = await handle.fetchHistory();
      const kinds = (history.events ?? []).map((e) => EventType[e.eventType ?? 0] ?? '');
      return { kinds, events: publisher.events.map((e) => e.type.replace('cn.keyflow.review.', '')) };
    });
  } finally {
    await h.teardown();
  }
}

describe('outbox fast path', () => {
  it('sends a review’s events inside its workflow tasks: no publishing activity in the history', async () => {
    const { kinds, events } = await runReview(new RecordingPublisher());
    expect(events).toEqual(['taskAssigned', 'taskDecided', 'stageCompleted']);
    expect(kinds.filter((k) => k === 'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED')).toEqual([]);
    expect(kinds.filter((k) => k === 'EVENT_TYPE_MARKER_RECORDED').length).toBeGreaterThan(0);
  }, 120_000);

  it('falls back to the durable activity when the broker does not answer, losing and reordering nothing', async () => {
    const publisher = new BrokerAwayFirst(1);
    const { kinds, events } = await runReview(publisher);
    expect(events).toEqual(['taskAssigned', 'taskDecided', 'stageCompleted']);
    // The first batch failed as a local send and went through the activity; later ones took the fast path again.
    expect(kinds.filter((k) => k === 'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED')).toHaveLength(1);
    expect(publisher.attempts).toBe(4);
  }, 120_000);
});
