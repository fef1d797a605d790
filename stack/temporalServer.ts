import fs from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { searchAttributeCliPairs } from '../schemas/searchAttributes';
import { portOr } from './ports';
import { isAlive, listensOn, NotOurEngine, startOnOwnPorts } from './proof';
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
 * survive a restart, the Web UI on, and keyflow's search attributes registered. Ready means proven
 * ours: the server answers, our process is alive and holds the frontend port (another stack's
 * server on the same port would answer the health check just as well). A port lost to another
 * process is replaced by a free one.
 */
export async function startTemporalDevServer(opts: {
  stateDir: string;
  port?: number;
  uiPort?: number;
  namespace?: string;
}): Promise<TemporalDevServer> {
  return startOnOwnPorts('Temporal', (fresh) => startOnce({ ...opts, port: fresh ? undefined : opts.port, uiPort: fresh ? undefined : opts.uiPort }));
}

async function startOnce(opts: { stateDir: string; port?: number; uiPort?: number; namespace?: string }): Promise<TemporalDevServer> {
  const cli = temporalCli();
  fs.mkdirSync(opts.stateDir, { recursive: true });
  killStale(opts.stateDir, 'temporal');
  const port = await portOr(opts.port);
  let uiPort = await portOr(opts.uiPort ?? port + 1000);
  if (uiPort === port) uiPort = await portOr(undefined);
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
  try {
    await waitUntil(
      `Temporal dev server on ${address}`,
      async () => {
        const conn = await Connection.connect({ address, connectTimeout: 1000 });
        let serving: boolean;
        try {
          serving = (await conn.healthService.check({})).status === 1; // SERVING
        } finally {
          await conn.close();
        }
        if (!serving) return false;
        if (!isAlive(proc.pid)) throw new NotOurEngine(`a Temporal server answers on ${address}, but our process ${proc.pid} is gone`);
        if (listensOn(proc.pid, port) === false) {
          throw new NotOurEngine(`the Temporal server answering on ${address} is not the one keyflow started (process ${proc.pid} does not hold the port)`);
        }
        return true;
      },
      { timeoutMs: 90_000, logFile: proc.logFile, exited: proc.exited },
    );
  } catch (err) {
    await proc.stop(5_000);
    throw err;
  }
  return {
    address,
    uiUrl: `http://127.0.0.1:${uiPort}`,
    namespace,
    dbFile,
    process: proc,
    stop: () => proc.stop(),
  };
}
