import os from 'node:os';
import path from 'node:path';

/** Downloads (binaries, jars) are cached here across runs and checkouts. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.KEYFLOW_CACHE_DIR ?? path.join(env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'keyflow');
}

/** The local stack's state (Temporal's SQLite file, Kafka's log dir), logs and pid files. */
export function defaultStateDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.KEYFLOW_STATE_DIR ?? path.join(cacheDir(env), 'stack');
}
