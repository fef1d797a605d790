import { spawn, ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { NotOurEngine } from './proof';

export interface ServiceProcess {
  name: string;
  pid: number;
  logFile: string;
  /** Resolves when the process has exited, however it ended. */
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts a long-running engine with its output in `logFile` and its pid in `<stateDir>/<name>.pid`.
 * The child is not detached: if the parent dies, nothing keeps it apart from the process group.
 */
export function startService(opts: {
  name: string;
  command: string;
  args: string[];
  stateDir: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}): ServiceProcess {
  const logDir = path.join(opts.stateDir, 'logs');
  fs.mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, `${opts.name}.log`);
  const out = fs.openSync(logFile, 'a');
  fs.writeSync(out, `\n=== ${new Date().toISOString()} starting ${opts.command} ${opts.args.join(' ')}\n`);
  const child: ChildProcess = spawn(opts.command, opts.args, {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  if (child.pid === undefined) throw new Error(`${opts.name}: could not start ${opts.command}`);
  const pidFile = path.join(opts.stateDir, `${opts.name}.pid`);
  fs.writeFileSync(pidFile, String(child.pid));
  const exited = new Promise<number | null>((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    child.once('exit', (code) => {
      fs.rmSync(pidFile, { force: true });
      resolve(code);
    });
  });
  return {
    name: opts.name,
    pid: child.pid,
    logFile,
    exited,
    async stop(graceMs = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Kills a process left behind by an earlier run that died without stopping its engines. */
export function killStale(stateDir: string, name: string): void {
  const pidFile = path.join(stateDir, `${name}.pid`);
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8'));
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
  fs.rmSync(pidFile, { force: true });
}

export function tailOf(file: string, lines = 30): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * Polls `probe` until it resolves truthy; on timeout the error carries the engine's log tail.
 * A probe that finds another engine answering (NotOurEngine) ends the wait at once.
 */
export async function waitUntil(
  what: string,
  probe: () => Promise<boolean>,
  opts: { timeoutMs: number; logFile?: string; exited?: Promise<number | null> },
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  let died: number | null | undefined;
  void opts.exited?.then((c) => (died = c ?? -1));
  while (Date.now() < deadline) {
    if (died !== undefined) {
      throw new Error(`${what} exited (code ${died}) before it was ready. Log ${opts.logFile}:\n${opts.logFile ? tailOf(opts.logFile) : ''}`);
    }
    const ok = await probe().catch((err: unknown) => {
      if (err instanceof NotOurEngine) throw err;
      return false;
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what} not ready after ${opts.timeoutMs} ms. Log ${opts.logFile}:\n${opts.logFile ? tailOf(opts.logFile) : ''}`);
}
