/**
 * Prints keyflow's events from a Kafka topic as they arrive (from the beginning), one JSON
 * line each: `npm run events -- keyflow.projects`.
 */
import { Kafka, logLevel } from 'kafkajs';
import { readEnv } from '../config/env';
import { TOPICS } from '../schemas/topics';
import { readEndpoints } from '../stack/endpointsFile';
import { defaultStateDir } from '../stack/paths';

async function main(): Promise<void> {
  const topic = process.argv[2] ?? TOPICS.projects;
  const env = readEnv();
  const brokers = env.KAFKA_BROKERS ?? readEndpoints(env.KEYFLOW_STATE_DIR ?? defaultStateDir())?.kafkaBrokers;
  if (!brokers) throw new Error('no Kafka found: start keyflow first (./scripts/start.sh) or set KAFKA_BROKERS');
  const kafka = new Kafka({ clientId: 'keyflow-events', brokers, logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `keyflow-events-${process.pid}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  process.on('SIGINT', () => void consumer.disconnect().then(() => process.exit(0)));
  await consumer.run({ eachMessage: async ({ message }) => void process.stdout.write(`${message.value?.toString('utf8')}\n`) });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
