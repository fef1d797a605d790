/**
 * The Temporal dev server is stopped and started again on the same SQLite file and port in the
 * middle of a run. The worker process stays up and reconnects by itself; client calls that fail
 * while the server is away are repeated with the same request id. Every review keeps what was
 * decided before the restart and completes; every event is delivered.
 */
import { actOnTask, getReviewState, startReviewStage } from '../../client/reviews';
import type { ReviewState } from '../../schemas/jointReview';
import { TOPICS } from '../../schemas/topics';
import { reviewStageWorkflowId } from '../../workflows/review/messages';
import { approval, BENCH_DEPARTMENTS, BENCH_STAGE, benchCode, benchReview, pool, reviewAnswers } from '../../bench/fixtures';
import { countsLine, expectedReviewEvents, persist, printCounts, readTopicToEnd, spawnWorker, startFaultStack, tally, type FaultStack, type WorkerProcess } from './harness';

const REVIEWS = 20;
const TASK_QUEUE = 'faults-temporal';

describe('the Temporal dev server restarts mid-run', () => {
  let stack: FaultStack;
  let worker: WorkerProcess | undefined;
  beforeAll(async () => {
    stack = await startFaultStack('temporal');
  }, 360_000);
  afterAll(async () => {
    await worker?.stop();
    await stack?.stop();
  });

  it('keeps the state of every review and completes the run', async () => {
    const ctx = { client: stack.client, taskQueue: TASK_QUEUE };
    worker = await spawnWorker(stack, TASK_QUEUE, 'worker');
    const codes = Array.from({ length: REVIEWS }, (_, i) => benchCode(720_000 + i));
    await pool(codes, 10, async (code) => {
      await startReviewStage(ctx, benchReview(code));
      await reviewAnswers(ctx, code);
    });
    const actions = BENCH_DEPARTMENTS.flatMap((d) => codes.map((code) => ({ code, department: d })));
    const half = Math.floor(actions.length / 2);
    await pool(actions.slice(0, half), 10, async (a) => void (await actOnTask(ctx, a.code, BENCH_STAGE, approval(a.code, a.department))));
    const beforeRestart = new Map<string, ReviewState>();
    for (const code of codes) beforeRestart.set(code, await getReviewState(ctx, code, BENCH_STAGE));

    let retries = 0;
    const onRetry = () => (retries += 1);
    // The second half starts while the server goes down and comes back.
    const spans: Array<[number, number]> = [];
    const rest = pool(actions.slice(half), 5, async (a) => {
      const sent = Date.now();
      await persist(`${a.code} ${a.department}`, () => actOnTask(ctx, a.code, BENCH_STAGE, approval(a.code, a.department)), { onRetry });
      spans.push([sent, Date.now()]);
    });
    const downAt = Date.now();
    await stack.restartTemporal(3000);
    const upAt = Date.now();
    await rest;
    // Approvals sent before the server was back and answered after it went down.
    const across = spans.filter(([sent, answered]) => sent < upAt && answered > downAt).length;
    expect(across).toBeGreaterThan(0);

    const results = await Promise.all(
      codes.map((code) => persist(`result of ${code}`, () => stack.client.workflow.getHandle(reviewStageWorkflowId(code, BENCH_STAGE)).result(), { onRetry })),
    );
    expect(results.map((r) => r.outcome.outcome)).toEqual(codes.map(() => 'approved'));
    for (const code of codes) {
      const before = beforeRestart.get(code)!;
      const after = await persist(`state of ${code}`, () => getReviewState(ctx, code, BENCH_STAGE), { onRetry });
      // What was decided before the restart is there unchanged: same decisions, same audit lines.
      for (const t of before.tasks.filter((x) => x.status === 'approved')) {
        const same = after.tasks.find((x) => x.department === t.department)!;
        expect(same.decision).toEqual(t.decision);
        expect(same.audit.slice(0, t.audit.length)).toEqual(t.audit);
      }
      expect(after.acceptedAt).toBe(before.acceptedAt);
      expect(after.tasks.map((t) => t.status)).toEqual(BENCH_DEPARTMENTS.map(() => 'approved'));
    }

    const t = tally(expectedReviewEvents(codes), await readTopicToEnd(stack.brokers, TOPICS.reviews));
    printCounts(countsLine('Temporal restart', t, `${half} approvals before the restart, ${across} in flight across it, ${actions.length - half - across} after it, ${retries} client retries`));
    expect(t.lostIds).toEqual([]);
    expect(t.unexpectedIds).toEqual([]);
  }, 600_000);
});
