/**
 * The projector is killed (SIGKILL) in the middle of its work and started again: the read model
 * then equals that of a projector that ran without interruption (one checksum over the tables,
 * the killed one on PostgreSQL, the other on SQLite), and a rebuild from offset 0 into a fresh
 * database equals the live model. The topics keep their events (retention set at creation).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { modelChecksum } from '../../projections/checksum';
import { openReadModel, type ReadModelLocation } from '../../projections/db';
import { awaitCaughtUp } from '../../projections/freshness';
import { startProjector } from '../../projections/projector';
import { rebuildReadModel } from '../../projections/rebuild';
import { TOPICS } from '../../schemas/topics';
import { startKafkaBroker, type KafkaBroker } from '../../stack/kafkaBroker';
import { projectScenario } from '../support/eventScenario';
import { READ_MODEL_BACKENDS, stopReadModelBackends } from '../support/readModels';

const ROOT = path.resolve(__dirname, '..', '..');
const sqlite = READ_MODEL_BACKENDS.find((b) => b.name === 'SQLite')!;
const postgres = READ_MODEL_BACKENDS.find((b) => b.name === 'PostgreSQL')!;

function spawnProjector(brokers: string[], location: ReadModelLocation, logFile: string): { child: ChildProcess; ready: Promise<void> } {
  const log = fs.openSync(logFile, 'a');
  const child = spawn(process.execPath, ['--import', pathToFileURL(require.resolve('tsx')).href, path.join(ROOT, 'projections', 'main.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      KAFKA_BROKERS: brokers.join(','),
      KEYFLOW_DATABASE_URL: location.kind === 'postgres' ? location.url : `sqlite:${location.file}`,
      // Small transactions, so the kill lands between and inside Kafka batches.
      KEYFLOW_PROJECTOR_CHUNK: '10',
    },
    stdio: ['ignore', 'pipe', log],
  });
  fs.closeSync(log);
  const ready = new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('keyflow projector following')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`projector exited (${code}) before it was ready; log ${logFile}`)));
  });
  return { child, ready };
}

describe('the projector is killed mid-batch and started again', () => {
  let kafka: KafkaBroker;
  let stateDir: string;
  const events = projectScenario(600);
  beforeAll(async () => {
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyflow-faults-projector-'));
    kafka = await startKafkaBroker({ stateDir });
    const producer = new Kafka({ clientId: 'faults-projector', brokers: kafka.brokers, logLevel: logLevel.NOTHING }).producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    for (let i = 0; i < events.length; i += 200) {
      const byTopic = new Map<string, Array<{ key: string; value: string }>>();
      for (const { topic, event } of events.slice(i, i + 200)) byTopic.set(topic, [...(byTopic.get(topic) ?? []), { key: event.subject, value: JSON.stringify(event) }]);
      await producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
    }
    await producer.disconnect();
  }, 240_000);
  afterAll(async () => {
    await kafka?.stop();
    await stopReadModelBackends();
    if (!process.env.KEYFLOW_KEEP_STATE) fs.rmSync(stateDir, { recursive: true, force: true });
  });

  it('keeps every event on its topic: no time or size limit', async () => {
    const admin = new Kafka({ clientId: 'faults-projector-admin', brokers: kafka.brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const { resources } = await admin.describeConfigs({ includeSynonyms: false, resources: Object.values(TOPICS).map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['retention.ms', 'retention.bytes'] })) });
      for (const r of resources) expect(r.configEntries.map((c) => [c.configName, c.configValue]).sort()).toEqual([['retention.bytes', '-1'], ['retention.ms', '-1']]);
    } finally {
      await admin.disconnect();
    }
  });

  it('resumes with nothing lost or doubled: the tables equal those of an uninterrupted run, and a rebuild from offset 0 equals both', async () => {
    const killedAt = await postgres.freshLocation();
    const logFile = path.join(stateDir, 'projector.log');
    const first = spawnProjector(kafka.brokers, killedAt, logFile);
    await first.ready;
    const watch = await openReadModel(killedAt);
    try {
      // Kill it once part, not all, of the events are in.
      let applied = 0;
      for (let i = 0; i < 600 && applied < events.length / 4; i++) {
        applied = (await watch.db.selectFrom('applied_events').select('event_id').execute()).length;
        if (applied < events.length / 4) await new Promise((r) => setTimeout(r, 20));
      }
      first.child.kill('SIGKILL');
      await new Promise((r) => first.child.once('exit', r));
      const atKill = (await watch.db.selectFrom('applied_events').select('event_id').execute()).length;
      expect(atKill).toBeGreaterThan(0);
      expect(atKill).toBeLessThan(events.length);

      const second = spawnProjector(kafka.brokers, killedAt, logFile);
      try {
        await second.ready;
        expect((await awaitCaughtUp(watch, kafka.brokers, { timeoutMs: 120_000 })).caughtUp).toBe(true);
      } finally {
        second.child.kill('SIGTERM');
        await new Promise((r) => second.child.once('exit', r));
      }
      expect((await watch.db.selectFrom('applied_events').select('event_id').execute()).length).toBe(events.length);

      const straight = await sqlite.fresh();
      const projector = await startProjector({ brokers: kafka.brokers, model: straight, groupId: 'faults-uninterrupted' });
      try {
        expect((await awaitCaughtUp(straight, kafka.brokers, { timeoutMs: 120_000 })).caughtUp).toBe(true);
      } finally {
        await projector.stop();
      }
      const killed = await modelChecksum(watch);
      expect(killed).toEqual(await modelChecksum(straight));

      const rebuilt = await rebuildReadModel({ brokers: kafka.brokers, target: await postgres.freshLocation(), live: straight });
      expect(rebuilt).toMatchObject({ events: events.length, equal: true, live: killed.total });
      await straight.close();
    } finally {
      await watch.close();
    }
  });
});
