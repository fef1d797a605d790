import { Kafka, logLevel, Producer } from 'kafkajs';
import { CloudEvent } from '../../schemas/events/envelope';
import { TopicName } from '../../schemas/topics';

/** Where a published event landed. */
export interface Published {
  id: string;
  topic: string;
  partition: number;
  offset: string;
}

export interface EventPublisher {
  publish(topic: TopicName, event: CloudEvent): Promise<Published>;
  close(): Promise<void>;
}

/**
 * kafkajs producer set up for no loss and no reordering: idempotent, acks from all in-sync
 * replicas, one request in flight. Its own retries are short: a broker outage must surface as
 * a failed activity, which Temporal retries with its policy, rather than hang inside a send.
 */
export function kafkaPublisher(opts: { brokers: string[]; clientId: string }): EventPublisher {
  const kafka = new Kafka({
    clientId: opts.clientId,
    brokers: opts.brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3000,
    requestTimeout: 10_000,
    retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 2000 },
  });
  let producer: Producer | undefined;
  let connecting: Promise<Producer> | undefined;
  const connected = (): Promise<Producer> => {
    if (producer) return Promise.resolve(producer);
    connecting ??= (async () => {
      const p = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
      await p.connect();
      producer = p;
      return p;
    })().finally(() => (connecting = undefined));
    return connecting;
  };
  return {
    async publish(topic, event) {
      const p = await connected();
      const [meta] = await p.send({
        topic,
        acks: -1,
        messages: [
          {
            key: event.subject,
            value: JSON.stringify(event),
            headers: { 'content-type': 'application/cloudevents+json; charset=UTF-8', ce_id: event.id, ce_type: event.type },
          },
        ],
      });
      return { id: event.id, topic, partition: meta?.partition ?? -1, offset: meta?.baseOffset ?? '-1' };
    },
    async close() {
      await producer?.disconnect();
      producer = undefined;
    },
  };
}
