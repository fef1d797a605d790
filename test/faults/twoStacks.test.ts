/**
 * Two run commands started at once on one machine (issue "contract", item 9): both stacks ask for
 * the same ports, so one engine of each pair loses its port. Each stack must come up on engines of
 * its own — the broker answering carries the cluster id formatted in that stack's storage, the
 * Temporal frontend port is held by that stack's process — and a third stack on a folder already
 * in use is refused, saying why.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { readEnv } from '../../config/env';
import { startLocalStack, type LocalStack } from '../../stack';
import { freePort } from '../../stack/ports';
import { formattedClusterId, listensOn } from '../../stack/proof';

async function clusterIdAt(brokers: string[]): Promise<string> {
  const admin = new Kafka({ clientId: 'two-stacks-test', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    return (await admin.describeCluster()).clusterId;
  } finally {
    await admin.disconnect();
  }
}

const portOf = (hostPort: string) => Number(hostPort.split(':').pop());

describe('two stacks started at once', () => {
  const dirs = [0, 1].map(() => fs.mkdtempSync(path.join(os.tmpdir(), 'keyflow-two-stacks-')));
  const stacks: LocalStack[] = [];
  afterAll(async () => {
    await Promise.allSettled(stacks.map((s) => s.stop()));
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it('come up on engines of their own, proven by cluster id and pid; a third on a busy folder is refused', async () => {
    const env = { ...readEnv({}), TEMPORAL_ADDRESS: undefined, KAFKA_BROKERS: undefined };
    // The same preferred ports for both, as two run commands on the defaults would ask.
    const ports = { temporal: await freePort(), temporalUi: await freePort(), kafka: await freePort(), kafkaController: await freePort() };
    const results = await Promise.allSettled(dirs.map((stateDir) => startLocalStack(env, { stateDir, ports })));
    for (const r of results) if (r.status === 'fulfilled') stacks.push(r.value);
    expect(results.map((r) => (r.status === 'rejected' ? String(r.reason) : 'up'))).toEqual(['up', 'up']);

    const [a, b] = stacks as [LocalStack, LocalStack];
    expect(a.endpoints.kafkaBrokers).not.toEqual(b.endpoints.kafkaBrokers);
    expect(a.endpoints.temporalAddress).not.toBe(b.endpoints.temporalAddress);
    for (const s of stacks) {
      const formatted = formattedClusterId(s.kafka!.logDir);
      expect(formatted).toBe(s.kafka!.clusterId);
      expect(await clusterIdAt(s.endpoints.kafkaBrokers)).toBe(formatted);
      expect(listensOn(s.temporal!.process.pid, portOf(s.endpoints.temporalAddress))).not.toBe(false);
      expect(listensOn(s.kafka!.process.pid, portOf(s.endpoints.kafkaBrokers[0]!))).not.toBe(false);
    }
    expect(a.kafka!.clusterId).not.toBe(b.kafka!.clusterId);

    await expect(startLocalStack(env, { stateDir: dirs[0]!, ports })).rejects.toThrow(/state folder .* is in use by another keyflow stack \(process \d+\).*KEYFLOW_STATE_DIR/);
    // The refused start touched nothing: the first stack's engines still answer.
    expect(await clusterIdAt(a.endpoints.kafkaBrokers)).toBe(a.kafka!.clusterId);
  }, 240_000);
});
