import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { TOPIC_CONFIG, TOPICS, TOPIC_PARTITIONS } from '../schemas/topics';
import { portOr } from './ports';
import { formattedClusterId, isAlive, NotOurEngine, startOnOwnPorts } from './proof';
import { killStale, startService, waitUntil, ServiceProcess } from './processes';
import { javaBin, kafkaLibs } from './provision';

export interface KafkaBroker {
  brokers: string[];
  /** The cluster id formatted in this broker's storage, proven on the broker that answers. */
  clusterId: string;
  logDir: string;
  process: ServiceProcess;
  stop(): Promise<void>;
}

/**
 * A single-node Apache Kafka broker in KRaft mode (broker and controller in one JVM). Ready means
 * proven ours: the broker answering carries the cluster id formatted in our storage and our JVM
 * is alive. A port lost to another process (two stacks started at once) is replaced by a free one.
 */
export async function startKafkaBroker(opts: {
  stateDir: string;
  port?: number;
  controllerPort?: number;
  heapMb?: number;
}): Promise<KafkaBroker> {
  return startOnOwnPorts('Kafka', (fresh) => startOnce({ ...opts, port: fresh ? undefined : opts.port, controllerPort: fresh ? undefined : opts.controllerPort }));
}

async function startOnce(opts: { stateDir: string; port?: number; controllerPort?: number; heapMb?: number }): Promise<KafkaBroker> {
  const libs = kafkaLibs();
  const dir = path.join(opts.stateDir, 'kafka');
  const logDir = path.join(dir, 'data');
  fs.mkdirSync(logDir, { recursive: true });
  killStale(opts.stateDir, 'kafka');
  const port = await portOr(opts.port);
  let controllerPort = await portOr(opts.controllerPort ?? port + 1);
  if (controllerPort === port) controllerPort = await portOr(undefined);

  const props = path.join(dir, 'server.properties');
  fs.writeFileSync(
    props,
    [
      'process.roles=broker,controller',
      'node.id=1',
      `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
      `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
      `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
      'controller.listener.names=CONTROLLER',
      'inter.broker.listener.name=PLAINTEXT',
      'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
      `log.dirs=${logDir}`,
      `num.partitions=${TOPIC_PARTITIONS}`,
      'offsets.topic.replication.factor=1',
      'offsets.topic.num.partitions=3',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      'group.initial.rebalance.delay.ms=0',
      // Topics are created by keyflow with their partition count, never by a stray producer.
      'auto.create.topics.enable=false',
      'log.retention.hours=-1',
      '',
    ].join('\n'),
  );
  const log4j = path.join(dir, 'log4j.properties');
  fs.writeFileSync(
    log4j,
    [
      'log4j.rootLogger=WARN, stdout',
      'log4j.appender.stdout=org.apache.log4j.ConsoleAppender',
      'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout',
      'log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n',
      'log4j.logger.kafka.server.KafkaServer=INFO',
      'log4j.logger.kafka.server.BrokerServer=INFO',
      '',
    ].join('\n'),
  );
  const classpath = path.join(libs, '*');
  const jvm = [`-Xmx${opts.heapMb ?? 512}m`, `-Xms128m`, '-XX:+UseG1GC', `-Dlog4j.configuration=file:${log4j}`, '-cp', classpath];

  if (!fs.existsSync(path.join(logDir, 'meta.properties'))) {
    const clusterId = execFileSync(javaBin(), [...jvm, 'kafka.tools.StorageTool', 'random-uuid']).toString().trim().split('\n').pop()!;
    execFileSync(javaBin(), [...jvm, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', props], { stdio: 'pipe' });
  }
  const clusterId = formattedClusterId(logDir);
  if (!clusterId) throw new Error(`Kafka: ${logDir}/meta.properties has no cluster.id after formatting`);
  const proc = startService({ name: 'kafka', command: javaBin(), args: [...jvm, 'kafka.Kafka', props], stateDir: opts.stateDir });
  const brokers = [`127.0.0.1:${port}`];
  const kafka = new Kafka({ clientId: 'keyflow-stack', brokers, logLevel: logLevel.NOTHING, retry: { retries: 0 } });
  try {
    await waitUntil(
      `Kafka broker on ${brokers[0]}`,
      async () => {
        const admin = kafka.admin();
        let cluster: Awaited<ReturnType<typeof admin.describeCluster>>;
        try {
          await admin.connect();
          cluster = await admin.describeCluster();
        } finally {
          await admin.disconnect();
        }
        if (cluster.clusterId !== clusterId) {
          throw new NotOurEngine(`the broker answering on ${brokers[0]} is not the one keyflow started: cluster id ${cluster.clusterId}, ours ${clusterId} (another Kafka holds the port)`);
        }
        if (!isAlive(proc.pid)) throw new NotOurEngine(`the broker answering on ${brokers[0]} has our cluster id but our Kafka process ${proc.pid} is gone`);
        return cluster.brokers.length > 0 && cluster.controller !== null;
      },
      { timeoutMs: 90_000, logFile: proc.logFile, exited: proc.exited },
    );
    await ensureTopics(brokers);
  } catch (err) {
    await proc.stop(5_000);
    throw err;
  }
  return { brokers, clusterId, logDir, process: proc, stop: () => proc.stop(30_000) };
}



/**
 * Creates keyflow's topics if missing, with their retention (TOPIC_CONFIG: events are kept for
 * rebuilding the read model); topics created before that was set get it now.
 */
export async function ensureTopics(brokers: string[]): Promise<void> {
  const kafka = new Kafka({ clientId: 'keyflow-topics', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = Object.values(TOPICS).filter((t) => !existing.has(t));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({ topic, numPartitions: TOPIC_PARTITIONS, replicationFactor: 1, configEntries: [...TOPIC_CONFIG] })),
      });
    }
    const older = Object.values(TOPICS).filter((t) => existing.has(t));
    if (older.length > 0) {
      // Topics made before retention was set get it here; a broker that refuses just now keeps
      // what the topic had (said on stderr), the next start tries again.
      await admin
        .alterConfigs({ validateOnly: false, resources: older.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configEntries: [...TOPIC_CONFIG] })) })
        .catch((err: unknown) => process.stderr.write(`keyflow: could not set the retention of existing topics (${String(err)}); they keep their own\n`));
    }
  } finally {
    await admin.disconnect();
  }
}
