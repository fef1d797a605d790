import { Endpoints, KeyflowEnv } from '../config/env';
import { startKafkaBroker, KafkaBroker } from './kafkaBroker';
import { defaultStateDir } from './paths';
import { claimStateDir } from './stateLock';
import { startTemporalDevServer, TemporalDevServer } from './temporalServer';

export interface LocalStack {
  endpoints: Endpoints;
  /** Set when keyflow started its own Temporal dev server. */
  temporal?: TemporalDevServer;
  /** Set when keyflow started its own Kafka broker. */
  kafka?: KafkaBroker;
  stateDir: string;
  stop(): Promise<void>;
}

export interface StackPorts {
  temporal?: number;
  temporalUi?: number;
  kafka?: number;
  kafkaController?: number;
}

/**
 * Brings up what the environment does not already provide: a Temporal dev server unless
 * `TEMPORAL_ADDRESS` is set, a Kafka broker unless `KAFKA_BROKERS` is set. Both start in
 * parallel; if one fails the other is stopped again. The state folder is claimed first: a second
 * stack on the same folder is refused (StateDirBusy), one on another folder comes up on ports of
 * its own, and each engine is proven to be the one this stack started before it counts as ready.
 */
export async function startLocalStack(env: KeyflowEnv, opts: { stateDir?: string; ports?: StackPorts } = {}): Promise<LocalStack> {
  const stateDir = opts.stateDir ?? env.KEYFLOW_STATE_DIR ?? defaultStateDir();
  const ports = opts.ports ?? {};
  const release = claimStateDir(stateDir);
  const [t, k] = await Promise.allSettled([
    env.TEMPORAL_ADDRESS
      ? Promise.resolve(undefined)
      : startTemporalDevServer({ stateDir, port: ports.temporal, uiPort: ports.temporalUi, namespace: env.TEMPORAL_NAMESPACE }),
    env.KAFKA_BROKERS
      ? Promise.resolve(undefined)
      : startKafkaBroker({ stateDir, port: ports.kafka, controllerPort: ports.kafkaController }),
  ]);
  if (t.status === 'rejected' || k.status === 'rejected') {
    if (t.status === 'fulfilled') await t.value?.stop();
    if (k.status === 'fulfilled') await k.value?.stop();
    release();
    throw t.status === 'rejected' ? t.reason : (k as PromiseRejectedResult).reason;
  }
  const temporal = t.value;
  const kafka = k.value;
  const endpoints: Endpoints = {
    temporalAddress: temporal?.address ?? env.TEMPORAL_ADDRESS!,
    namespace: env.TEMPORAL_NAMESPACE,
    taskQueue: env.KEYFLOW_TASK_QUEUE,
    kafkaBrokers: kafka?.brokers ?? env.KAFKA_BROKERS!,
    kafkaClientId: env.KAFKA_CLIENT_ID,
  };
  return {
    endpoints,
    temporal,
    kafka,
    stateDir,
    async stop() {
      await Promise.all([temporal?.stop(), kafka?.stop()]);
      release();
    },
  };
}
