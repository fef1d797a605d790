/**
 * The API on its own, beside a running stack (`npm start` in another terminal) or against
 * TEMPORAL_ADDRESS: `npx tsx api/main.ts`. Reads the environment once, here.
 */
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { readEnv } from '../config/env';
import { defaultStateDir } from '../stack/paths';
import { readEndpoints } from '../stack/endpointsFile';
import { startApi } from './start';

async function main(): Promise<void> {
  const env = readEnv();
  const running = readEndpoints(env.KEYFLOW_STATE_DIR ?? defaultStateDir());
  const address = env.TEMPORAL_ADDRESS ?? running?.temporalAddress;
  if (!address) throw new Error('keyflow api: no Temporal server: set TEMPORAL_ADDRESS or start the local stack (npm start)');
  if (!env.KEYFLOW_API_TOKENS) throw new Error('keyflow api: set KEYFLOW_API_TOKENS to the token file (seeds/api-tokens.json for the demo)');
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace: env.TEMPORAL_NAMESPACE });
  const usersFile = env.KEYFLOW_USERS ?? path.join(env.KEYFLOW_STATE_DIR ?? defaultStateDir(), 'users.json');
  const api = await startApi({
    ctx: { client, taskQueue: env.KEYFLOW_TASK_QUEUE },
    tokens: env.KEYFLOW_API_TOKENS,
    users: usersFile,
    session: { secureCookie: env.KEYFLOW_COOKIE_SECURE, maxAgeSeconds: env.KEYFLOW_SESSION_HOURS * 3600, file: path.join(path.dirname(usersFile), 'sessions.json') },
    port: env.KEYFLOW_API_PORT,
    host: env.KEYFLOW_API_HOST,
  });
  process.stdout.write(`keyflow api: ${api.url} (dashboard ${api.url}/dashboard, OpenAPI ${api.url}/openapi.json)\n`);
  const stop = async () => {
    await api.stop();
    await connection.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
