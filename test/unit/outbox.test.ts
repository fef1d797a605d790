import { nextBatch, OUTBOX_BATCH, type Outbox } from '../../workflows/shared/outbox';
import type { EmitRequest } from '../../schemas/events/envelope';

const request = (n: number, bytes = 100): EmitRequest => ({
  type: 'cn.keyflow.review.taskAssigned',
  subject: '2026-411122-13-03-000001',
  key: `k${n}`,
  time: '2026-12-01T01:00:00.000Z',
  data: { pad: 'x'.repeat(bytes) },
});

describe('the outbox batch', () => {
  it('takes everything queued, in order, up to the count bound', () => {
    const queue = Array.from({ length: OUTBOX_BATCH.maxEvents + 7 }, (_, i) => request(i));
    const batch = nextBatch(queue);
    expect(batch).toHaveLength(OUTBOX_BATCH.maxEvents);
    expect(batch.map((r) => r.key)).toEqual(queue.slice(0, OUTBOX_BATCH.maxEvents).map((r) => r.key));
    expect(nextBatch(queue.slice(batch.length))).toHaveLength(7);
  });

  it('stops before the byte bound, but always sends at least one event', () => {
    const big = Array.from({ length: 10 }, (_, i) => request(i, 100 * 1024));
    expect(nextBatch(big)).toHaveLength(2);
    expect(nextBatch([request(0, OUTBOX_BATCH.maxBytes * 2)])).toHaveLength(1);
  });

  it('checks event types and data against the catalogue at compile time', () => {
    // Never run: tsc fails on this file if the outbox accepted what it must refuse.
    const probe = (o: Outbox) => {
      // @ts-expect-error not in the event catalogue
      o.add('cn.keyflow.project.nope', 'k', {});
      // @ts-expect-error the data does not have the type's shape
      o.add('cn.keyflow.meeting.scheduled', 'k', { plan: 3 });
    };
    expect(typeof probe).toBe('function');
  });
});
