/**
 * Latency: from a department's approval (the client sends the update) until its
 * `taskDecided` event is readable from Kafka — a consumer in this process has it — against a
 * bare update round-trip. One action at a time, on reviews whose assignment events are already
 * out, so each sample is one action's path and not a queue.
 */
import { performance } from 'node:perf_hooks';
import { eventId } from '../activities/events/eventId';
import { actOnTask, startReviewStage } from '../client/reviews';
import { eventTypeInfo } from '../schemas/events/catalog';
import { TOPICS } from '../schemas/topics';
import { reviewStageWorkflowId } from '../workflows/review/messages';
import type { bareReview } from './workflows';
import { bareUpdate } from './workflows';
import { approval, BENCH_DEPARTMENTS, BENCH_STAGE, benchCode, benchReview, pool, range } from './fixtures';
import { TopicTail } from './kafka';
import type { Progress } from './progress';
import { percentiles, type Percentiles } from './stats';
import type { Queues } from './throughput';

const REVIEWS = eventTypeInfo('cn.keyflow.review.taskAssigned').source;
const idOf = (type: string, code: string, key: string) => eventId(REVIEWS, type, code, key);
const assignedId = (code: string, d: string) => idOf('cn.keyflow.review.taskAssigned', code, `${BENCH_STAGE}:task:${d}:assigned`);
const decidedId = (code: string, d: string) => idOf('cn.keyflow.review.taskDecided', code, `${BENCH_STAGE}:task:${d}:decided`);

export interface LatencyResult {
  samples: number;
  /** Approval sent → its event consumed from Kafka, ms. */
  keyflowToKafka: Percentiles;
  /** The approval's own update round-trip (answer to the client), ms — for reading the above. */
  keyflowUpdate: Percentiles;
  /** Bare update round-trip, ms. */
  baselineUpdate: Percentiles;
  /** A real taskDecided event as it sits on Kafka (the emission step copies its size and data). */
  sampleEvent: string;
}

export async function measureLatency(opts: { queues: Queues; brokers: string[]; samples: number; nextSerial: () => number; progress: Progress }): Promise<LatencyResult> {
  const { queues, progress } = opts;
  const reviews = Math.ceil(opts.samples / BENCH_DEPARTMENTS.length);
  const tail = new TopicTail(opts.brokers, TOPICS.reviews);
  await tail.start();
  try {
    const codes = range(0, reviews).map(() => benchCode(opts.nextSerial()));
    progress.start('latency: starting reviews, waiting for their assignments on Kafka', reviews);
    const ctx = { client: queues.client, taskQueue: queues.keyflow };
    await pool(codes, 8, async (code) => {
      await startReviewStage(ctx, benchReview(code));
      await Promise.all(BENCH_DEPARTMENTS.map((d) => tail.waitFor(assignedId(code, d))));
      progress.tick();
    });
    progress.finish('ready');

    const toKafka: number[] = [];
    const keyflowUpdate: number[] = [];
    let sampleEvent = '';
    progress.start('latency keyflow (approval → event on Kafka)', reviews * BENCH_DEPARTMENTS.length);
    for (const code of codes) {
      for (const d of BENCH_DEPARTMENTS) {
        const t0 = performance.now();
        await actOnTask(ctx, code, BENCH_STAGE, approval(code, d));
        const t1 = performance.now();
        const arrival = await tail.waitFor(decidedId(code, d));
        keyflowUpdate.push(t1 - t0);
        toKafka.push(arrival.at - t0);
        sampleEvent ||= arrival.value;
        progress.tick();
      }
      await queues.client.workflow.getHandle(reviewStageWorkflowId(code, BENCH_STAGE)).result();
    }
    const k = percentiles(toKafka);
    progress.finish(`p50 ${k.p50.toFixed(1)} ms, p95 ${k.p95.toFixed(1)} ms, p99 ${k.p99.toFixed(1)} ms`);

    const bare: number[] = [];
    progress.start('latency baseline (bare update round-trip)', reviews * BENCH_DEPARTMENTS.length);
    for (const i of range(0, reviews)) {
      const workflowId = `bare-lat-${opts.nextSerial()}-${i}`;
      const handle = await queues.client.workflow.start<typeof bareReview>('bareReview', { taskQueue: queues.baseline, workflowId, args: [BENCH_DEPARTMENTS.length] });
      for (const d of BENCH_DEPARTMENTS) {
        const t0 = performance.now();
        await handle.executeUpdate(bareUpdate, { args: [`${workflowId}:${d}`] });
        bare.push(performance.now() - t0);
        progress.tick();
      }
      await handle.result();
    }
    const b = percentiles(bare);
    progress.finish(`p50 ${b.p50.toFixed(1)} ms, p95 ${b.p95.toFixed(1)} ms, p99 ${b.p99.toFixed(1)} ms`);
    return { samples: toKafka.length, keyflowToKafka: k, keyflowUpdate: percentiles(keyflowUpdate), baselineUpdate: b, sampleEvent };
  } finally {
    await tail.stop();
  }
}
