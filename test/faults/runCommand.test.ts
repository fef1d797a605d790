/**
 * The run command as the README promises it (issue "workspace"): with the API's port taken it
 * starts on a free port and prints it; a start that fails stops everything it started, so no
 * Temporal or Kafka is left running without its parent. The real command (scripts/run.ts) on a
 * state folder of its own; what is left behind is read from /proc by the folder in the command lines.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const root = path.join(__dirname, '..', '..');

/** Processes whose command line names `dir` (the engines are started with paths inside it), with their command lines. */
function processesUsing(dir: string): string[] {
  const pids: string[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmdline.includes(dir)) pids.push(`${entry} ${cmdline.replace(/\0/g, ' ').slice(0, 200)}`);
    } catch {
      // The process ended while being read.
    }
  }
  return pids;
}

interface Run {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function runCommand(env: Record<string, string>): Run {
  const child = spawn(path.join(root, 'node_modules', '.bin', 'tsx'), ['scripts/run.ts'], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

/** What is left of the stack in `dir` once its processes had a moment to be reaped (bounded). */
async function leftIn(dir: string): Promise<string[]> {
  for (let i = 0; i < 20 && processesUsing(dir).length > 0; i++) await new Promise((r) => setTimeout(r, 250));
  return processesUsing(dir);
}

async function until(what: string, check: () => boolean, run: Run, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (run.child.exitCode !== null) throw new Error(`the run command exited (${run.child.exitCode}) before ${what}:\n${run.output()}`);
    if (Date.now() > end) throw new Error(`no ${what} in time:\n${run.output()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('the run command', () => {
  const dirs: string[] = [];
  const runs: Run[] = [];
  const stateDir = () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'keyflow-run-'));
    dirs.push(d);
    return d;
  };
  afterAll(async () => {
    for (const r of runs) if (r.child.exitCode === null) r.child.kill('SIGINT');
    await Promise.all(runs.map((r) => r.exited));
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it('starts the API on a free port when its port is taken, says which, and stops everything on Ctrl-C', async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', () => resolve()));
    const taken = (holder.address() as net.AddressInfo).port;
    const dir = stateDir();
    const run = runCommand({ KEYFLOW_STATE_DIR: dir, KEYFLOW_API_PORT: String(taken) });
    runs.push(run);
    try {
      await until('ready line', () => /HTTP API: +http:\/\/127\.0\.0\.1:\d+/.test(run.output()), run, 240_000);
      const url = /HTTP API: +(http:\/\/127\.0\.0\.1:(\d+))/.exec(run.output())!;
      expect(Number(url[2])).not.toBe(taken);
      expect(run.output()).toContain(`port ${taken} is in use; the HTTP API listens on ${url[1]} instead`);
      expect((await fetch(`${url[1]}/healthz`)).status).toBe(200);
      expect(processesUsing(dir).length).toBeGreaterThanOrEqual(2); // Temporal and Kafka, so the check below means something
    } finally {
      holder.close();
    }
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
    expect(await leftIn(dir)).toEqual([]);
  }, 300_000);

  it('stops Temporal and Kafka again when a later step of the start fails', async () => {
    const dir = stateDir();
    // An address of no interface here (TEST-NET-3): the API cannot listen after the engines are up.
    const run = runCommand({ KEYFLOW_STATE_DIR: dir, KEYFLOW_API_PORT: '0', KEYFLOW_API_HOST: '203.0.113.7' });
    runs.push(run);
    const code = await run.exited;
    expect({ code, said: run.output() }).toEqual({ code: 1, said: expect.stringContaining('the start failed') });
    expect(run.output()).toContain('stopping what it started');
    expect(await leftIn(dir)).toEqual([]);
    expect(fs.existsSync(path.join(dir, 'endpoints.json'))).toBe(false);
  }, 300_000);
});
