/**
 * The Kafka broker is stopped for 30 seconds while departments keep approving, then started
 * again on the same port and log directory. The workflows record every action at once; their
 * outboxes keep the events and the publishEvent activities retry within their policy (backing
 * off, never failing); no review reports itself finished while its events are not on Kafka;
 * once the broker is back every event arrives and none is lost.
 */
import type { temporal } from '@temporalio/proto';
import { actOnTask, getReviewState, startReviewStage } from '../../client/reviews';
import { TOPICS } from '../../schemas/topics';
import { reviewStageWorkflowId } from '../../workflows/review/messages';
import { approval, BENCH_DEPARTMENTS, BENCH_STAGE, benchCode, benchReview, pool, reviewAnswers } from '../../bench/fixtures';
import {
  countsLine,
  expectedReviewEvents,
  highWatermarks,
  printCounts,
  readTopicToEnd,
  sleep,
  spawnWorker,
  startFaultStack,
  tally,
  type FaultStack,
  type WorkerProcess,
} from './harness';

const REVIEWS = 10;
const OUTAGE_MS = 30_000;
const TASK_QUEUE = 'faults-kafka';
const MAX_RETRY_INTERVAL_S = 60; // workflows/shared/outbox.ts

const seconds = (d: { seconds?: unknown; nanos?: number | null } | null | undefined): number => (d ? Number(d.seconds ?? 0) + (d.nanos ?? 0) / 1e9 : NaN);

describe('the Kafka broker is down for 30 seconds while events are being emitted', () => {
  let stack: FaultStack;
  let worker: WorkerProcess | undefined;
  beforeAll(async () => {
    stack = await startFaultStack('kafka');
  }, 360_000);
  afterAll(async () => {
    await worker?.stop();
    await stack?.stop();
  });

  it('keeps every event, retries within policy, and reports nothing done before it is', async () => {
    const ctx = { client: stack.client, taskQueue: TASK_QUEUE };
    worker = await spawnWorker(stack, TASK_QUEUE, 'worker');
    const codes = Array.from({ length: REVIEWS }, (_, i) => benchCode(710_000 + i));
    await pool(codes, 10, async (code) => {
      await startReviewStage(ctx, benchReview(code));
      await reviewAnswers(ctx, code);
    });
    // Before the outage: every assignment is on Kafka.
    const sum = (m: Map<number, number>) => [...m.values()].reduce((s, x) => s + x, 0);
    for (let i = 0; sum(await highWatermarks(stack.brokers, TOPICS.reviews)) < REVIEWS * BENCH_DEPARTMENTS.length; i++) {
      if (i > 600) throw new Error('assignments did not reach Kafka');
      await sleep(100);
    }
    const before = await highWatermarks(stack.brokers, TOPICS.reviews);

    await stack.stopKafka();
    const downAt = Date.now();
    const actions = BENCH_DEPARTMENTS.flatMap((d) => codes.map((code) => ({ code, department: d })));
    const pace = (OUTAGE_MS * 0.6) / actions.length;
    for (const a of actions) {
      const r = await actOnTask(ctx, a.code, BENCH_STAGE, approval(a.code, a.department));
      expect(r.taskStatus).toBe('approved');
      await sleep(pace);
    }
    // Still in the outage: the state says approved, yet no review claims to be finished, and
    // each is retrying a publish.
    let maxAttempt = 0;
    let retrying = 0;
    for (const code of codes) {
      expect((await getReviewState(ctx, code, BENCH_STAGE)).status).toBe('approved');
      const d = await stack.client.workflow.getHandle(reviewStageWorkflowId(code, BENCH_STAGE)).describe();
      expect(d.status.name).toBe('RUNNING');
      const pending = (d.raw.pendingActivities ?? []) as temporal.api.workflow.v1.IPendingActivityInfo[];
      // One outbox batch in flight (patch 'outbox-batches'): all the review's queued events in one activity.
      expect(pending.map((p) => p.activityType?.name)).toEqual(['publishEvents']);
      for (const p of pending) {
        maxAttempt = Math.max(maxAttempt, p.attempt ?? 0);
        if ((p.attempt ?? 0) > 1) {
          retrying += 1;
          expect(p.lastFailure?.message).toBeTruthy();
          if (p.currentRetryInterval) expect(seconds(p.currentRetryInterval)).toBeLessThanOrEqual(MAX_RETRY_INTERVAL_S);
        }
      }
    }
    expect(retrying).toBeGreaterThan(0);
    await sleep(Math.max(0, downAt + OUTAGE_MS - Date.now()));
    // The broker may serve (and a review finish) before startKafka resolves, never before it is called.
    const restartAt = Date.now();
    await stack.startKafka();
    const upAt = Date.now();

    const results = await Promise.all(codes.map((code) => stack.client.workflow.getHandle(reviewStageWorkflowId(code, BENCH_STAGE)).result()));
    expect(results.map((r) => r.outcome.outcome)).toEqual(codes.map(() => 'approved'));

    let attemptsAfterOutage = 0;
    const closedAt: number[] = [];
    for (const code of codes) {
      const handle = stack.client.workflow.getHandle(reviewStageWorkflowId(code, BENCH_STAGE));
      // Finished only once the broker was back: nothing was reported done that was not.
      closedAt.push((await handle.describe()).closeTime!.getTime());
      expect(closedAt[closedAt.length - 1]).toBeGreaterThanOrEqual(restartAt);
      const history = await handle.fetchHistory();
      for (const e of history.events ?? []) {
        expect(e.activityTaskFailedEventAttributes ?? e.activityTaskTimedOutEventAttributes ?? null).toBeNull();
        const scheduled = e.activityTaskScheduledEventAttributes;
        if (scheduled?.activityType?.name?.startsWith('publishEvent')) expect(seconds(scheduled.retryPolicy?.maximumInterval)).toBe(MAX_RETRY_INTERVAL_S);
        const started = e.activityTaskStartedEventAttributes;
        if (started && (started.attempt ?? 1) > 1) attemptsAfterOutage += 1;
      }
    }
    expect(attemptsAfterOutage).toBeGreaterThan(0);

    const delivered = await readTopicToEnd(stack.brokers, TOPICS.reviews);
    const t = tally(expectedReviewEvents(codes), delivered);
    // Decisions and completions were sent during the outage: they can only be past the offsets
    // the topic had when the broker went down.
    const lateOnes = delivered.filter((e) => e.type !== 'cn.keyflow.review.taskAssigned');
    expect(lateOnes.filter((e) => e.offset < (before.get(e.partition) ?? 0))).toEqual([]);
    printCounts(
      countsLine(
        'Kafka outage 30 s',
        t,
        `${actions.length} approvals during the outage, publishes retried up to attempt ${maxAttempt} while down, ${attemptsAfterOutage} events sent on a retry, reviews finished ${((Math.min(...closedAt) - upAt) / 1000).toFixed(1)}–${((Math.max(...closedAt) - upAt) / 1000).toFixed(1)} s after the broker was back`,
      ),
    );
    expect(t.lostIds).toEqual([]);
    expect(t.unexpectedIds).toEqual([]);
  }, 600_000);
});
