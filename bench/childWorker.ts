import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = path.resolve(__dirname, '..');

export interface ChildWorker {
  pid: number;
  /** Resident memory of the worker process now, in bytes (VmRSS from /proc/<pid>/status). */
  rss(): number;
  /**
   * The worker's memory after a full garbage collection (asked by a line on its stdin, answered on
   * its stdout; it runs with --expose-gc): what it keeps, not garbage not yet collected.
   */
  memory(): Promise<{ heapUsed: number; rss: number }>;
  /** SIGTERM (the worker drains and exits), SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts bench/worker.ts as its own Node process. Node runs it with tsx's loader directly
 * (`node --import tsx`), not through the tsx CLI, so the pid is the worker itself — the one
 * whose memory is read.
 */
export async function startChildWorker(opts: {
  kind: 'keyflow' | 'baseline';
  temporalAddress: string;
  kafkaBrokers: string[];
  taskQueue: string;
  settings?: Record<string, number>;
  logFile: string;
}): Promise<ChildWorker> {
  fs.mkdirSync(path.dirname(opts.logFile), { recursive: true });
  const log = fs.openSync(opts.logFile, 'a');
  const child: ChildProcess = spawn(process.execPath, ['--expose-gc', '--no-flush-bytecode', ...cpuProfile(opts.kind), '--import', pathToFileURL(require.resolve('tsx')).href, path.join(ROOT, 'bench', 'worker.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      BENCH_WORKER_KIND: opts.kind,
      TEMPORAL_ADDRESS: opts.temporalAddress,
      KAFKA_BROKERS: opts.kafkaBrokers.join(','),
      BENCH_TASK_QUEUE: opts.taskQueue,
      BENCH_WORKER_SETTINGS: JSON.stringify(opts.settings ?? {}),
    },
    stdio: ['pipe', 'pipe', log],
  });
  fs.closeSync(log);
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not start the bench worker');
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`bench worker (${opts.kind}) not ready after 120 s; log ${opts.logFile}`)), 120_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      if (out.includes('ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`bench worker (${opts.kind}) exited with ${code} before it was ready; log ${opts.logFile}`));
    });
  });
  child.stdout!.resume();
  return {
    pid,
    rss: () => rssOf(pid),
    memory: () =>
      new Promise((resolve, reject) => {
        let out = '';
        const timer = setTimeout(() => reject(new Error('the bench worker did not report its memory within 30 s')), 30_000);
        const onData = (chunk: Buffer) => {
          out += chunk.toString('utf8');
          const m = /^mem (\{.*\})$/m.exec(out);
          if (!m) return;
          clearTimeout(timer);
          child.stdout!.off('data', onData);
          resolve(JSON.parse(m[1]!) as { heapUsed: number; rss: number });
        };
        child.stdout!.on('data', onData);
        child.stdin!.write('mem\n');
      }),
    async stop(graceMs = 20_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

export function rssOf(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]) * 1024;
}

/** BENCH_CPU_PROFILE_DIR=dir: each worker writes a V8 CPU profile there when it stops (open it in Chrome's DevTools). */
function cpuProfile(kind: string): string[] {
  const dir = process.env.BENCH_CPU_PROFILE_DIR;
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(dir)}`, `--cpu-prof-name=${kind}.cpuprofile`] : [];
}
