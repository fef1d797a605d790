/**
 * SIGKILL the worker in the middle of a joint review of many projects, start it again: every
 * review completes, and every event it owes is on Kafka — at least once, exactly once after
 * de-duplication by event id, none unexpected. Client calls cut off by the kill are repeated
 * with the same request id, which the workflow recognises.
 */
import { actOnTask, getReviewState, startReviewStage } from '../../client/reviews';
import { TOPICS } from '../../schemas/topics';
import { reviewStageWorkflowId } from '../../workflows/review/messages';
import { approval, BENCH_DEPARTMENTS, BENCH_STAGE, benchCode, benchReview, pool, reviewAnswers } from '../../bench/fixtures';
import { countsLine, expectedReviewEvents, persist, printCounts, readTopicToEnd, sleep, spawnWorker, startFaultStack, tally, type FaultStack } from './harness';

const REVIEWS = 30;
const TASK_QUEUE = 'faults-kill';

describe('the worker is killed (SIGKILL) mid-review and started again', () => {
  let stack: FaultStack;
  beforeAll(async () => {
    stack = await startFaultStack('kill');
  }, 360_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it('completes every review and delivers every event, exactly once after de-duplication', async () => {
    const ctx = { client: stack.client, taskQueue: TASK_QUEUE };
    let worker = await spawnWorker(stack, TASK_QUEUE, 'worker-1');
    try {
      const codes = Array.from({ length: REVIEWS }, (_, i) => benchCode(700_000 + i));
      await pool(codes, 10, async (code) => {
        await startReviewStage(ctx, benchReview(code));
        await reviewAnswers(ctx, code);
      });
      // Departments act in an interleaved order across projects, as they would.
      const actions = BENCH_DEPARTMENTS.flatMap((d) => codes.map((code) => ({ code, department: d })));
      const half = Math.floor(actions.length / 2);
      await pool(actions.slice(0, half), 10, async (a) => void (await actOnTask(ctx, a.code, BENCH_STAGE, approval(a.code, a.department))));

      let answered = 0;
      let inFlight = 0;
      let retries = 0;
      let killedWith = -1;
      const rest = pool(actions.slice(half), 10, async (a) => {
        inFlight += 1;
        await persist(`${a.code} ${a.department}`, () => actOnTask(ctx, a.code, BENCH_STAGE, approval(a.code, a.department)), { onRetry: () => (retries += 1) });
        inFlight -= 1;
        answered += 1;
      });
      while (answered < 15) await sleep(20);
      killedWith = inFlight;
      await worker.kill('SIGKILL');
      await sleep(2000);
      worker = await spawnWorker(stack, TASK_QUEUE, 'worker-2');
      await rest;
      expect(killedWith).toBeGreaterThan(0);

      const results = await Promise.all(codes.map((code) => stack.client.workflow.getHandle(reviewStageWorkflowId(code, BENCH_STAGE)).result()));
      expect(results.map((r) => r.outcome.outcome)).toEqual(codes.map(() => 'approved'));
      for (const code of codes) {
        const state = await getReviewState(ctx, code, BENCH_STAGE);
        expect(state.tasks.map((t) => [t.department, t.status, t.audit.filter((e) => e.action === 'approve').length])).toEqual(
          BENCH_DEPARTMENTS.map((d) => [d, 'approved', 1]),
        );
      }

      const expected = expectedReviewEvents(codes);
      const t = tally(expected, await readTopicToEnd(stack.brokers, TOPICS.reviews));
      printCounts(countsLine('worker SIGKILL', t, `killed with ${killedWith} approvals in flight, ${retries} client retries`));
      expect(t.lostIds).toEqual([]);
      expect(t.unexpectedIds).toEqual([]);
      expect(t.delivered - t.duplicatesRemoved).toBe(t.expected);
    } finally {
      await worker.stop();
    }
  }, 600_000);
});
