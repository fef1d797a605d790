import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './ports';

/** Debian's PostgreSQL server binaries (scripts/ensure-postgres.sh installs them when missing). */
export function postgresBin(): string {
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root) ? fs.readdirSync(root).filter((v) => fs.existsSync(path.join(root, v, 'bin', 'initdb'))) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!newest) throw new Error('PostgreSQL is not installed: run ./scripts/ensure-postgres.sh (apt-get install postgresql)');
  return path.join(root, newest, 'bin');
}

export interface LocalPostgres {
  url: string;
  dir: string;
  stop(): Promise<void>;
}

/**
 * A throw-away PostgreSQL cluster in a temporary folder on a free port (initdb + pg_ctl), for
 * tests. PostgreSQL refuses to run as root, so as root the cluster belongs to the `postgres`
 * system user that Debian's package creates.
 */
export async function startLocalPostgres(opts: { dir?: string } = {}): Promise<LocalPostgres> {
  const bin = postgresBin();
  const dir = opts.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'keyflow-pg-'));
  const data = path.join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  const run = (cmd: string, args: string[]): void => {
    if (asRoot) execFileSync('runuser', ['-u', 'postgres', '--', path.join(bin, cmd), ...args], { stdio: 'pipe' });
    else execFileSync(path.join(bin, cmd), args, { stdio: 'pipe' });
  };
  if (asRoot) {
    fs.chmodSync(dir, 0o755);
    execFileSync('chown', ['postgres', dir]);
  }
  run('initdb', ['-D', data, '-U', 'keyflow', '--auth=trust', '-E', 'UTF8', '--no-locale']);
  const port = await freePort();
  // Listening on 127.0.0.1 only, sockets in the cluster's own folder (not /var/run/postgresql).
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50`;
  run('pg_ctl', ['-D', data, '-o', options, '-l', path.join(dir, 'postgres.log'), '-w', '-t', '60', 'start']);
  const url = `postgres://keyflow@127.0.0.1:${port}/postgres`;
  return {
    url,
    dir,
    async stop() {
      run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Creates a fresh database in the cluster at `url` and returns its URL. */
export async function createDatabase(url: string, name: string): Promise<string> {
  const { Client } = await import('pg');
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(`create database "${name.replace(/"/g, '')}"`);
  } finally {
    await c.end();
  }
  return url.replace(/\/[^/]*$/, `/${name}`);
}
