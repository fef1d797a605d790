/**
 * The Kafka publisher on the real broker: concurrent sends coalesce into few produce requests
 * (group commit), every event lands once, each subject's events in the order sent, at the
 * offsets the publisher reported.
 */
import { kafkaPublisher, type Outgoing } from '../../activities/events/publisher';
import type { CloudEvent } from '../../schemas/events/envelope';
import type { TopicName } from '../../schemas/topics';
import { createTopic } from '../../bench/kafka';
import { readTopicToEnd } from '../faults/harness';
import { e2eEndpoints } from '../support/e2e';

const event = (subject: string, n: number): CloudEvent => ({
  specversion: '1.0',
  id: `00000000-0000-5000-8000-${String(n).padStart(12, '0')}`,
  source: '/keyflow/test',
  type: 'cn.keyflow.test.published',
  subject,
  time: '2026-12-01T01:00:00.000Z',
  datacontenttype: 'application/json',
  data: { n },
});

describe('kafkaPublisher (group commit)', () => {
  it('coalesces concurrent sends into few requests, keeps each subject in order, reports true offsets', async () => {
    const { kafkaBrokers } = e2eEndpoints();
    const topic = `keyflow-test.publisher-${process.pid}-${Date.now().toString(36)}` as TopicName;
    await createTopic(kafkaBrokers, topic, 3);
    const requests: number[] = [];
    const publisher = kafkaPublisher({ brokers: kafkaBrokers, clientId: 'test-publisher', onRequest: (n) => requests.push(n) });
    try {
      const subjects = ['2026-411122-13-03-000001', '2026-411122-13-03-000002', '2026-411122-13-03-000003', '2026-411122-13-03-000004'];
      // 4 subjects × 50 single sends at once, and one outbox-like batch of 40 for a fifth subject.
      const singles = subjects.flatMap((s, i) => Array.from({ length: 50 }, (_, k) => event(s, i * 1000 + k)));
      const batch: Outgoing[] = Array.from({ length: 40 }, (_, k) => ({ topic, event: event('2026-411122-13-03-000005', 9000 + k) }));
      const [published, batchPublished] = await Promise.all([
        Promise.all(singles.map((e) => publisher.publish(topic, e))),
        publisher.publishAll!(batch),
      ]);
      expect(requests.reduce((a, b) => a + b, 0)).toBe(240);
      // One request in flight at a time: the 241 sends need far fewer round-trips than sends.
      expect(requests.length).toBeLessThan(20);

      const delivered = await readTopicToEnd(kafkaBrokers, topic);
      expect(delivered).toHaveLength(240);
      expect(new Set(delivered.map((d) => d.id)).size).toBe(240);
      const at = new Map(delivered.map((d) => [d.id, `${d.partition}/${d.offset}`]));
      for (const p of [...published, ...batchPublished]) expect(`${p.partition}/${p.offset}`).toBe(at.get(p.id));
      for (const s of [...subjects, '2026-411122-13-03-000005']) {
        const mine = delivered.filter((d) => d.subject === s).sort((a, b) => a.offset - b.offset);
        const sent = [...singles.filter((e) => e.subject === s), ...batch.map((b) => b.event).filter((e) => e.subject === s)];
        expect(mine.map((d) => d.id)).toEqual(sent.map((e) => e.id));
      }
    } finally {
      await publisher.close();
    }
  });
});
