/**
 * The projector as a process of its own (the container's `keyflow-projector` service, the fault
 * tests): KAFKA_BROKERS, and KEYFLOW_DATABASE_URL (PostgreSQL) or KEYFLOW_STATE_DIR (SQLite file
 * there). KEYFLOW_PROJECTOR_CHUNK sets the records per transaction. SIGINT/SIGTERM stop it.
 */
import { readEnv } from '../config/env';
import { defaultStateDir } from '../stack/paths';
import { describeLocation, openReadModel, readModelLocation } from './db';
import { startProjector } from './projector';

async function main(): Promise<void> {
  const env = readEnv();
  if (!env.KAFKA_BROKERS) throw new Error('keyflow projector: KAFKA_BROKERS must name the brokers (host:port,…)');
  const location = readModelLocation(env, env.KEYFLOW_STATE_DIR ?? defaultStateDir());
  const model = await openReadModel(location);
  const chunk = process.env.KEYFLOW_PROJECTOR_CHUNK ? Number(process.env.KEYFLOW_PROJECTOR_CHUNK) : undefined;
  const projector = await startProjector({ brokers: env.KAFKA_BROKERS, model, chunk, log: (l) => console.error(l) });
  await projector.ready;
  console.log(`keyflow projector following keyflow's topics into ${describeLocation(location)}`);
  const stop = async () => {
    await projector.stop().catch(() => undefined);
    await model.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
