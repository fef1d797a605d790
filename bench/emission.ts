/**
 * Emission: keyflow's events per second into Kafka against Kafka's own producer performance
 * tool, from the same jars, on the same broker, with the same number of records, the same
 * record size (a real taskDecided event) and the same acknowledgement (acks=all, idempotent).
 *
 * keyflow's side is its publish activities without Temporal around it: `emitEvent` (catalog
 * lookup, data validation, CloudEvent envelope, deterministic id) through the worker's kafkajs
 * publisher. Like the outbox, each project sends its events one after another; like the worker,
 * up to maxConcurrentActivityTaskExecutions projects send at once.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { emitEvent } from '../activities/events/emit';
import { kafkaPublisher } from '../activities/events/publisher';
import type { EmitRequest } from '../schemas/events/envelope';
import { TOPIC_PARTITIONS } from '../schemas/topics';
import { javaBin, kafkaLibs } from '../stack/provision';
import { WORKER_DEFAULTS } from '../workers/worker';
import { benchCode, pool, range } from './fixtures';
import { cpuMeter, exitedChildrenCpuSeconds, type CpuSeconds } from './cpu';
import { createTopic } from './kafka';
import type { Progress } from './progress';

export const PERF_TOPIC = 'keyflow-bench.producer-perf';

export interface ProducerPerfSummary {
  records: number;
  recordsPerSecond: number;
  mbPerSecond: number;
  avgLatencyMs: number;
  maxLatencyMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  line: string;
}

export interface EmissionResult {
  records: number;
  recordBytes: number;
  lanes: number;
  keyflow: { seconds: number; eventsPerSecond: number; cpu: CpuSeconds; cpuMillisPerEvent: number };
  producerPerformance: ProducerPerfSummary & { cpu: CpuSeconds; cpuMillisPerEvent: number };
  command: string;
}

/** Parses ProducerPerformance's final summary line. */
export function parseProducerPerf(output: string): ProducerPerfSummary {
  const re =
    /(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\), ([\d.]+) ms avg latency, ([\d.]+) ms max latency, (\d+) ms 50th, (\d+) ms 95th, (\d+) ms 99th/g;
  let last: RegExpExecArray | null = null;
  for (let m = re.exec(output); m; m = re.exec(output)) last = m;
  if (!last) throw new Error(`no summary line in ProducerPerformance's output:\n${output.slice(-2000)}`);
  const n = (i: number) => Number(last![i]);
  return { records: n(1), recordsPerSecond: n(2), mbPerSecond: n(3), avgLatencyMs: n(4), maxLatencyMs: n(5), p50Ms: n(6), p95Ms: n(7), p99Ms: n(8), line: last[0] };
}

function producerPerformance(brokers: string[], records: number, recordBytes: number): Promise<{ output: string; command: string }> {
  const args = [
    '-Xmx256m',
    '-cp',
    path.join(kafkaLibs(), '*'),
    'org.apache.kafka.tools.ProducerPerformance',
    '--topic', PERF_TOPIC,
    '--num-records', String(records),
    '--record-size', String(recordBytes),
    '--throughput', '-1',
    '--producer-props', `bootstrap.servers=${brokers.join(',')}`, 'acks=all', 'enable.idempotence=true',
  ];
  const command = `java ${args.map((a) => (a.includes('*') ? `'${a}'` : a)).join(' ')}`;
  return new Promise((resolve, reject) => {
    execFile(javaBin(), args, { maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`ProducerPerformance failed: ${err.message}\n${stderr.slice(-2000)}`));
      else resolve({ output: stdout, command });
    });
  });
}

export async function measureEmission(opts: { kafkaPid: number; brokers: string[]; records: number; sampleEvent: string; nextSerial: () => number; progress: Progress }): Promise<EmissionResult> {
  const { brokers, records, progress } = opts;
  const sample = JSON.parse(opts.sampleEvent) as { type: string; data: Record<string, unknown> };
  const recordBytes = Buffer.byteLength(opts.sampleEvent, 'utf8');
  const lanes = WORKER_DEFAULTS.maxConcurrentActivityTaskExecutions;
  const perLane = Math.ceil(records / lanes);
  const now = new Date().toISOString();
  const laneCodes = range(0, lanes).map(() => benchCode(opts.nextSerial()));
  // Same type, same data shape and length as the sample; one subject (project) per lane.
  const request = (code: string, n: number): EmitRequest => ({
    type: sample.type,
    subject: code,
    key: `landUsePlanning:task:fgw:decided:${String(n).padStart(6, '0')}`,
    time: now,
    data: { ...sample.data, projectCode: code },
  });

  const publisher = kafkaPublisher({ brokers, clientId: 'keyflow-bench-emission' });
  try {
    await pool(range(0, lanes), lanes, async (l) => void (await emitEvent(publisher, request(laneCodes[l]!, 999_999))));
    progress.start(`emission keyflow (emitEvent + publisher, ${lanes} projects at once)`, perLane * lanes);
    const kCpu = cpuMeter({ client: process.pid, kafka: opts.kafkaPid });
    const t0 = performance.now();
    await pool(range(0, lanes), lanes, async (l) => {
      for (let n = 0; n < perLane; n++) {
        await emitEvent(publisher, request(laneCodes[l]!, n));
        progress.tick();
      }
    });
    const seconds = (performance.now() - t0) / 1000;
    const keyflowCpu = kCpu.stop();
    progress.finish(`${((perLane * lanes) / seconds).toFixed(0)} events/s`);

    await createTopic(brokers, PERF_TOPIC, TOPIC_PARTITIONS);
    progress.note(`emission baseline: Kafka ProducerPerformance, ${perLane * lanes} records of ${recordBytes} bytes, acks=all, idempotent…`);
    const pCpu = cpuMeter({ kafka: opts.kafkaPid });
    const children0 = exitedChildrenCpuSeconds();
    const perf = await producerPerformance(brokers, perLane * lanes, recordBytes);
    const perfCpu = pCpu.stop();
    perfCpu.producerPerformance = Number((exitedChildrenCpuSeconds() - children0).toFixed(2));
    perfCpu.total = Number((perfCpu.total! + perfCpu.producerPerformance).toFixed(2));
    const summary = parseProducerPerf(perf.output);
    progress.note(`ProducerPerformance: ${summary.line}`);
    return {
      records: perLane * lanes,
      recordBytes,
      lanes,
      keyflow: { seconds, eventsPerSecond: (perLane * lanes) / seconds, cpu: keyflowCpu, cpuMillisPerEvent: (keyflowCpu.total! * 1000) / (perLane * lanes) },
      producerPerformance: { ...summary, cpu: perfCpu, cpuMillisPerEvent: (perfCpu.total! * 1000) / (perLane * lanes) },
      command: perf.command,
    };
  } finally {
    await publisher.close();
  }
}
