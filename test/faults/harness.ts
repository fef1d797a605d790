/**
 * The fault suite's own stack: every test file starts a Temporal dev server and a Kafka broker
 * in a temporary folder on ports it chose, so it can stop and start them again on the same
 * ports and state — never the shared e2e stack. The keyflow worker runs as a child process
 * (workers/main.ts, the production entry), so it can be killed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { Kafka, logLevel } from 'kafkajs';
import { eventId } from '../../activities/events/eventId';
import { KeyflowError } from '../../client/errors';
import { eventTypeInfo } from '../../schemas/events/catalog';
import { startKafkaBroker, type KafkaBroker } from '../../stack/kafkaBroker';
import { freePort, isPortFree } from '../../stack/ports';
import { startTemporalDevServer, type TemporalDevServer } from '../../stack/temporalServer';
import { BENCH_DEPARTMENTS, BENCH_STAGE } from '../../bench/fixtures';

const ROOT = path.resolve(__dirname, '..', '..');
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface FaultStack {
  stateDir: string;
  temporal: TemporalDevServer;
  kafka: KafkaBroker;
  brokers: string[];
  client: Client;
  stopKafka(): Promise<void>;
  startKafka(): Promise<void>;
  restartTemporal(downMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A free port below the kernel's range for outgoing connections: no client socket is ever given
 * it, so it is still free when an engine comes back on it after being stopped.
 */
async function quietPort(taken: Set<number>): Promise<number> {
  let firstEphemeral = 32768;
  try {
    firstEphemeral = Number(fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || firstEphemeral;
  } catch {
    // not Linux: keep the usual start of the range
  }
  const low = 20000;
  const high = Math.min(firstEphemeral, 32768);
  for (let i = 0; high - low > 100 && i < 200; i++) {
    const port = low + Math.floor(Math.random() * (high - low));
    if (!taken.has(port) && (await isPortFree(port))) {
      taken.add(port);
      return port;
    }
  }
  return freePort();
}

/** Starts Temporal and Kafka; if one fails the other is stopped, and the pair is tried again on other ports. */
export async function startFaultStack(name: string, attempts = 3): Promise<FaultStack> {
  for (let attempt = 1; ; attempt++) {
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), `keyflow-faults-${name}-`));
    try {
      return await startOn(stateDir);
    } catch (err) {
      fs.rmSync(stateDir, { recursive: true, force: true });
      if (attempt >= attempts) throw err;
      process.stderr.write(`[faults] ${name}: stack did not start (${String(err).split('\n')[0]}); trying other ports\n`);
    }
  }
}

async function startOn(stateDir: string): Promise<FaultStack> {
  const taken = new Set<number>();
  const ports = { temporal: await quietPort(taken), ui: await quietPort(taken), kafka: await quietPort(taken), controller: await quietPort(taken) };
  const startTemporal = () => startTemporalDevServer({ stateDir, port: ports.temporal, uiPort: ports.ui });
  const startKafka = () => startKafkaBroker({ stateDir, port: ports.kafka, controllerPort: ports.controller });
  const [t, k] = await Promise.allSettled([startTemporal(), startKafka()]);
  let connection: Connection;
  try {
    if (t.status === 'rejected') throw t.reason;
    if (k.status === 'rejected') throw k.reason;
    connection = await Connection.connect({ address: t.value.address });
  } catch (err) {
    await Promise.allSettled([t.status === 'fulfilled' && t.value.stop(), k.status === 'fulfilled' && k.value.stop()]);
    throw err;
  }
  const temporal = t.value;
  const kafka = k.value;
  const stack: FaultStack = {
    stateDir,
    temporal,
    kafka,
    brokers: kafka.brokers,
    client: new Client({ connection }),
    async stopKafka() {
      await stack.kafka.stop();
    },
    async startKafka() {
      stack.kafka = await startKafka();
      if (stack.kafka.brokers.join() !== stack.brokers.join()) throw new Error(`Kafka came back on ${stack.kafka.brokers.join()}, not ${stack.brokers.join()}`);
    },
    async restartTemporal(downMs = 2000) {
      await stack.temporal.stop();
      await sleep(downMs);
      stack.temporal = await startTemporal();
      if (stack.temporal.address !== temporal.address) throw new Error(`Temporal came back on ${stack.temporal.address}, not ${temporal.address}`);
    },
    async stop() {
      await connection.close().catch(() => undefined);
      await Promise.allSettled([stack.temporal.stop(), stack.kafka.stop()]);
      if (!process.env.KEYFLOW_KEEP_STATE) fs.rmSync(stateDir, { recursive: true, force: true });
    },
  };
  return stack;
}

export interface WorkerProcess {
  pid: number;
  kill(signal: NodeJS.Signals): Promise<void>;
  stop(): Promise<void>;
}

/** workers/main.ts as its own Node process (node --import tsx, so the pid is the worker itself). */
export async function spawnWorker(stack: FaultStack, taskQueue: string, logName: string): Promise<WorkerProcess> {
  const logFile = path.join(stack.stateDir, 'logs', `${logName}.log`);
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const log = fs.openSync(logFile, 'a');
  const child: ChildProcess = spawn(process.execPath, ['--import', pathToFileURL(require.resolve('tsx')).href, path.join(ROOT, 'workers', 'main.ts')], {
    cwd: ROOT,
    env: { ...process.env, TEMPORAL_ADDRESS: stack.temporal.address, KAFKA_BROKERS: stack.brokers.join(','), KEYFLOW_TASK_QUEUE: taskQueue },
    stdio: ['ignore', 'pipe', log],
  });
  fs.closeSync(log);
  if (child.pid === undefined) throw new Error('could not start the worker');
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`worker not ready after 120 s; log ${logFile}`)), 120_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      if (out.includes('keyflow worker on task queue')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited (${code}) before it was ready; log ${logFile}:\n${fs.readFileSync(logFile, 'utf8').slice(-2000)}`));
    });
  });
  child.stdout!.resume();
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  return {
    pid: child.pid,
    async kill(signal) {
      if (gone()) return;
      child.kill(signal);
      await exited;
    },
    async stop() {
      if (gone()) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * Repeats a client call that failed for a passing reason (server away, worker killed, timeout)
 * until it answers. A KeyflowError is a refusal, not a passing fault: it is thrown at once.
 * The call must be idempotent — review actions are, by their request id.
 */
export async function persist<T>(what: string, call: () => Promise<T>, opts: { timeoutMs?: number; onRetry?: () => void } = {}): Promise<T> {
  const until = Date.now() + (opts.timeoutMs ?? 240_000);
  for (;;) {
    try {
      return await call();
    } catch (err) {
      if (err instanceof KeyflowError) throw err;
      if (Date.now() > until) throw new Error(`${what}: still failing: ${String(err)}`, { cause: err });
      opts.onRetry?.();
      await sleep(500);
    }
  }
}

export interface ExpectedEvent {
  type: string;
  subject: string;
  key: string;
}

const REVIEWS_SOURCE = eventTypeInfo('cn.keyflow.review.taskAssigned').source;

/** Every event a fully approved bench review emits, by exact event id: 5 assigned, 5 decided, 1 completed. */
export function expectedReviewEvents(codes: readonly string[]): Map<string, ExpectedEvent> {
  const out = new Map<string, ExpectedEvent>();
  const add = (type: string, subject: string, key: string) => out.set(eventId(REVIEWS_SOURCE, type, subject, key), { type, subject, key });
  for (const code of codes) {
    for (const d of BENCH_DEPARTMENTS) {
      add('cn.keyflow.review.taskAssigned', code, `${BENCH_STAGE}:task:${d}:assigned`);
      add('cn.keyflow.review.taskDecided', code, `${BENCH_STAGE}:task:${d}:decided`);
    }
    add('cn.keyflow.review.stageCompleted', code, `${BENCH_STAGE}:completed`);
  }
  return out;
}

export interface DeliveredEvent {
  id: string;
  type: string;
  subject: string;
  partition: number;
  offset: number;
}

/** High watermark per partition: the offset the next message will get. */
export async function highWatermarks(brokers: string[], topic: string): Promise<Map<number, number>> {
  const admin = new Kafka({ clientId: 'keyflow-faults-admin', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    return new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]));
  } finally {
    await admin.disconnect();
  }
}

/** Every message on the topic now, from the beginning to the high watermark of each partition. */
export async function readTopicToEnd(brokers: string[], topic: string, timeoutMs = 60_000): Promise<DeliveredEvent[]> {
  const high = await highWatermarks(brokers, topic);
  const remaining = new Set([...high].filter(([, h]) => h > 0).map(([p]) => p));
  const out: DeliveredEvent[] = [];
  if (remaining.size === 0) return out;
  const consumer = new Kafka({ clientId: 'keyflow-faults-reader', brokers, logLevel: logLevel.NOTHING }).consumer({
    groupId: `keyflow-faults-reader-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`,
    maxWaitTimeInMs: 200,
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`reading ${topic}: got ${out.length} messages, partitions ${[...remaining].join(',')} not read to the end`)), timeoutMs);
      consumer
        .run({
          eachMessage: async ({ partition, message }) => {
            const offset = Number(message.offset);
            if (offset >= (high.get(partition) ?? 0)) return;
            const event = JSON.parse(message.value!.toString('utf8')) as { id: string; type: string; subject: string };
            out.push({ id: event.id, type: event.type, subject: event.subject, partition, offset });
            if (offset === high.get(partition)! - 1) remaining.delete(partition);
            if (remaining.size === 0) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return out;
}

export interface Tally {
  expected: number;
  delivered: number;
  duplicatesRemoved: number;
  lost: number;
  unexpected: number;
  lostIds: string[];
  unexpectedIds: string[];
}

/** Delivered against expected, after de-duplication by event id. */
export function tally(expected: Map<string, ExpectedEvent>, delivered: readonly DeliveredEvent[]): Tally {
  const unique = new Set(delivered.map((e) => e.id));
  const lostIds = [...expected.keys()].filter((id) => !unique.has(id));
  const unexpectedIds = [...unique].filter((id) => !expected.has(id));
  return {
    expected: expected.size,
    delivered: delivered.length,
    duplicatesRemoved: delivered.length - unique.size,
    lost: lostIds.length,
    unexpected: unexpectedIds.length,
    lostIds,
    unexpectedIds,
  };
}

export function countsLine(name: string, t: Tally, extra = ''): string {
  return `[faults] ${name}: expected ${t.expected}, delivered ${t.delivered}, duplicates removed ${t.duplicatesRemoved}, lost ${t.lost}, unexpected ${t.unexpected}${extra ? `; ${extra}` : ''}`;
}

/** Prints past jest's console decoration, so the counts line reads as one line in any reporter. */
export function printCounts(line: string): void {
  process.stderr.write(`\n${line}\n`);
}
