import fs from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { searchAttributeCliPairs } from '../schemas/searchAttributes';
import { portOr } from './ports';
import { killStale, startService, waitUntil, ServiceProcess } from './processes';
import { temporalCli } from './provision';

export interface TemporalDevServer {
  address: string;
  uiUrl: string;
  namespace: string;
  dbFile: string;
  process: ServiceProcess;
  stop(): Promise<void>;
}

/**
 * Starts the Temporal CLI's dev server with its state in a SQLite file, so registered projects
 * survive a restart, the Web UI on, and keyflow's search attributes registered.
 */
export async function startTemporalDevServer(opts: {
  stateDir: string;
  port?: number;
  uiPort?: number;
  namespace?: string;
}): Promise<TemporalDevServer> {
  const cli = temporalCli();
  fs.mkdirSync(opts.stateDir, { recursive: true });
  killStale(opts.stateDir, 'temporal');
  const port = await portOr(opts.port);
  const uiPort = await portOr(opts.uiPort ?? port + 1000);
  const namespace = opts.namespace ?? 'default';
  const dbFile = path.join(opts.stateDir, 'temporal.sqlite');
  const args = [
    'server', 'start-dev',
    '--ip', '127.0.0.1',
    '--port', String(port),
    '--ui-port', String(uiPort),
    '--db-filename', dbFile,
    '--log-level', 'warn',
    '--ui-disable-news-fetch',
  ];
  if (namespace !== 'default') args.push('--namespace', namespace);
  for (const pair of searchAttributeCliPairs()) args.push('--search-attribute', pair);
  const proc = startService({ name: 'temporal', command: cli, args, stateDir: opts.stateDir });
  const address = `127.0.0.1:${port}`;
  await waitUntil(
    `Temporal dev server on ${address}`,
    async () => {
      const conn = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        const res = await conn.healthService.check({});
        return res.status === 1; // SERVING
      } finally {
        await conn.close();
      }
    },
    { timeoutMs: 90_000, logFile: proc.logFile, exited: proc.exited },
  );
  return {
    address,
    uiUrl: `http://127.0.0.1:${uiPort}`,
    namespace,
    dbFile,
    process: proc,
    stop: () => proc.stop(),
  };
}
