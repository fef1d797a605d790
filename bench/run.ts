/**
 * `npm run bench`: starts its own Temporal dev server and Kafka broker (fresh, temporary
 * folder, free ports), measures keyflow against a baseline on the same engines in the same run,
 * writes bench/results/<time>.md and .json (and latest.md / latest.json), and stops everything.
 *
 *   npm run bench                      default sizes (15–20 min on 2 cores)
 *   npm run bench -- --quick           small sizes (≈5 min), for trying it out
 *   npm run bench -- --scale 1000,10000 --projects 200 --samples 200 --records 20000
 *   npm run bench -- --only throughput,latency        (also: emission, scale)
 *   --concurrency N (projects in flight, default 20), --no-cold (skip the cold agenda/inbox),
 *   --settle-limit M (minutes a scale step may take to settle before it is measured as it stands; default 30),
 *   --out DIR (default bench/results), --keep-state (keep the engines' folder and logs)
 *   --render bench/results/<time>.json   writes that run's Markdown again
 *
 * A 10,000-project scale step registers 20,000 workflows and takes most of an hour on 2 cores:
 * ask for it with --scale.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { startKafkaBroker, type KafkaBroker } from '../stack/kafkaBroker';
import { kafkaLibs } from '../stack/provision';
import { startTemporalDevServer, type TemporalDevServer } from '../stack/temporalServer';
import { WORKER_DEFAULTS } from '../workers/worker';
import { startChildWorker, type ChildWorker } from './childWorker';
import { measureEmission } from './emission';
import { measureLatency } from './latency';
import { Progress } from './progress';
import { engines, machine, ratios, writeReport, type BenchReport } from './report';
import { measureScale } from './scale';
import { measureThroughput } from './throughput';

const PHASES = ['throughput', 'latency', 'emission', 'scale'] as const;
type Phase = (typeof PHASES)[number];

function options() {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      projects: { type: 'string' },
      concurrency: { type: 'string' },
      samples: { type: 'string' },
      records: { type: 'string' },
      scale: { type: 'string' },
      only: { type: 'string' },
      out: { type: 'string' },
      'keep-state': { type: 'boolean', default: false },
      'no-cold': { type: 'boolean', default: false },
      'settle-limit': { type: 'string' },
    },
  });
  const int = (name: string, v: string | undefined, fallback: number): number => {
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive whole number (got ${v})`);
    return n;
  };
  const quick = values.quick ?? false;
  const scale = (values.scale ?? (quick ? '200' : '1000')).split(',').map((s) => int('scale', s.trim(), 1));
  const only = (values.only ?? PHASES.join(',')).split(',').map((s) => s.trim());
  for (const p of only) if (!(PHASES as readonly string[]).includes(p)) throw new Error(`--only takes ${PHASES.join(', ')} (got ${p})`);
  return {
    quick,
    projects: int('projects', values.projects, quick ? 30 : 100),
    concurrency: int('concurrency', values.concurrency, 20),
    warmup: quick ? 5 : 10,
    samples: int('samples', values.samples, quick ? 50 : 200),
    records: int('records', values.records, quick ? 2000 : 10000),
    scale,
    only: only as Phase[],
    out: path.resolve(values.out ?? path.join(__dirname, 'results')),
    keepState: values['keep-state'] ?? false,
    cold: !(values['no-cold'] ?? false),
    settleLimitMinutes: int('settle-limit', values['settle-limit'], 30),
  };
}

async function main(): Promise<void> {
  // `--render <report.json>`: writes the Markdown of an earlier run again (after a change to the report's wording).
  const render = process.argv.indexOf('--render');
  if (render > 0) {
    const file = path.resolve(process.argv[render + 1] ?? '');
    const report = JSON.parse(fs.readFileSync(file, 'utf8')) as BenchReport;
    const { markdownFile } = writeReport(report, path.dirname(file));
    process.stderr.write(`[bench] rendered ${markdownFile}\n`);
    return;
  }
  const opts = options();
  const progress = new Progress();
  const startedAt = new Date().toISOString();
  const report: BenchReport = {
    startedAt,
    finishedAt: '',
    command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    options: { ...opts, out: undefined },
    machine: machine(),
    engines: engines(),
    workerSettings: { ...WORKER_DEFAULTS },
    ratios: {},
  };
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyflow-bench-'));
  const logDir = path.join(stateDir, 'logs');
  let temporal: TemporalDevServer | undefined;
  let kafka: KafkaBroker | undefined;
  let connection: Connection | undefined;
  const workers: ChildWorker[] = [];
  const cleanup = async () => {
    await Promise.allSettled(workers.map((w) => w.stop()));
    await connection?.close().catch(() => undefined);
    await Promise.allSettled([temporal?.stop(), kafka?.stop()]);
    if (!opts.keepState) fs.rmSync(stateDir, { recursive: true, force: true });
  };
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = true;
    progress.note(`${signal}: stopping the workers and engines…`);
    void cleanup().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    progress.note(`starting a Temporal dev server and a Kafka broker in ${stateDir}…`);
    kafkaLibs(); // fetch once before the broker and the producer tool both need it
    const [t, k] = await Promise.allSettled([startTemporalDevServer({ stateDir }), startKafkaBroker({ stateDir })]);
    // Whichever started is stopped by the cleanup below, also when the other did not.
    if (t.status === 'fulfilled') temporal = t.value;
    if (k.status === 'fulfilled') kafka = k.value;
    if (t.status === 'rejected') throw t.reason;
    if (k.status === 'rejected') throw k.reason;
    if (!temporal || !kafka) throw new Error('the engines did not start');
    progress.note(`Temporal ${temporal.address}, Kafka ${kafka.brokers.join(',')}`);
    connection = await Connection.connect({ address: temporal.address });
    const client = new Client({ connection });
    let serial = 0;
    const nextSerial = () => ++serial;
    const brokers = kafka.brokers;

    if (opts.only.some((p) => p === 'throughput' || p === 'latency')) {
      progress.note('starting the keyflow worker and the baseline worker (each its own process)…');
      const [k, b] = await Promise.all([
        startChildWorker({ kind: 'keyflow', temporalAddress: temporal.address, kafkaBrokers: brokers, taskQueue: 'bench-keyflow', logFile: path.join(logDir, 'worker-keyflow.log') }),
        startChildWorker({ kind: 'baseline', temporalAddress: temporal.address, kafkaBrokers: brokers, taskQueue: 'bench-baseline', logFile: path.join(logDir, 'worker-baseline.log') }),
      ]);
      workers.push(k, b);
      const queues = { client, keyflow: 'bench-keyflow', baseline: 'bench-baseline' };
      if (opts.only.includes('throughput')) {
        const pids = { temporal: temporal.process.pid, kafka: kafka.process.pid, keyflowWorker: k.pid, baselineWorker: b.pid };
        report.throughput = await measureThroughput({ queues, pids, projects: opts.projects, concurrency: opts.concurrency, warmup: opts.warmup, nextSerial, progress });
      }
      if (opts.only.includes('latency')) {
        report.latency = await measureLatency({ queues, brokers, samples: opts.samples, nextSerial, progress });
      }
      await Promise.all(workers.splice(0).map((w) => w.stop()));
    }
    if (opts.only.includes('emission')) {
      const sampleEvent = report.latency?.sampleEvent ?? (await measureLatency({ queues: await sampleQueues(), brokers, samples: 5, nextSerial, progress })).sampleEvent;
      report.emission = await measureEmission({ kafkaPid: kafka.process.pid, brokers, records: opts.records, sampleEvent, nextSerial, progress });
    }
    if (opts.only.includes('scale')) {
      report.scale = await measureScale({ client, temporalAddress: temporal.address, brokers, pids: { temporal: temporal.process.pid, kafka: kafka.process.pid }, steps: opts.scale, cold: opts.cold, nextSerial, progress, logDir, settleLimitMs: opts.settleLimitMinutes * 60_000, onWorker: (w) => workers.push(w) });
    }

    /** Only when emission runs without latency: a short latency run for a real sample event. */
    async function sampleQueues() {
      const k = await startChildWorker({ kind: 'keyflow', temporalAddress: temporal!.address, kafkaBrokers: brokers, taskQueue: 'bench-sample', logFile: path.join(logDir, 'worker-sample.log') });
      const b = await startChildWorker({ kind: 'baseline', temporalAddress: temporal!.address, kafkaBrokers: brokers, taskQueue: 'bench-sample-bare', logFile: path.join(logDir, 'worker-sample.log') });
      workers.push(k, b);
      return { client, keyflow: 'bench-sample', baseline: 'bench-sample-bare' };
    }

    report.ratios = ratios(report);
    report.finishedAt = new Date().toISOString();
    report.machine.loadAverageAtEnd = os.loadavg().map((x) => Number(x.toFixed(2)));
    const { markdownFile, jsonFile } = writeReport(report, opts.out);
    progress.note(`report: ${markdownFile}\n        ${jsonFile}\n        ${path.join(opts.out, 'latest.md')}`);
    process.stdout.write(`${fs.readFileSync(markdownFile, 'utf8')}\n`);
  } catch (err) {
    // Said before the cleanup: a client call still retrying on the closed connection may end the process first.
    progress.note(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    throw err;
  } finally {
    if (!interrupted) {
      progress.note('stopping the workers and engines…');
      await cleanup();
    }
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
