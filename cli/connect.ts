/**
 * Finds the Temporal server the command line talks to: `TEMPORAL_ADDRESS` when set (with
 * `TEMPORAL_NAMESPACE`, `KEYFLOW_TASK_QUEUE`), else the running local stack, which writes its
 * endpoints to `<stateDir>/endpoints.json` (`keyflow start`). Neither → exit 5 with what to do.
 */
import type { Connection } from '@temporalio/client';
import type { ClientContext } from '../client/projects';
import { readEnv, type KeyflowEnv } from '../config/env';
import { readEndpoints } from '../stack/endpointsFile';
import { defaultStateDir } from '../stack/paths';
import { CliError, ExitCode } from './exitCodes';

export interface Target {
  address: string;
  namespace: string;
  taskQueue: string;
  /** Where the address came from, for messages. */
  source: string;
}

export function environment(env: NodeJS.ProcessEnv): KeyflowEnv {
  try {
    return readEnv(env);
  } catch (err) {
    throw new CliError(ExitCode.badInput, (err as Error).message.replace(/^keyflow: /, ''));
  }
}

/** Where to connect, or null when nothing says (no variable, no running local stack). */
export function findTarget(env: NodeJS.ProcessEnv): Target | null {
  const e = environment(env);
  if (e.TEMPORAL_ADDRESS) {
    return { address: e.TEMPORAL_ADDRESS, namespace: e.TEMPORAL_NAMESPACE, taskQueue: e.KEYFLOW_TASK_QUEUE, source: 'TEMPORAL_ADDRESS' };
  }
  const stateDir = e.KEYFLOW_STATE_DIR ?? defaultStateDir(env);
  const ep = readEndpoints(stateDir);
  if (!ep?.temporalAddress) return null;
  return {
    address: ep.temporalAddress,
    // An explicit variable still wins over what the stack wrote.
    namespace: env.TEMPORAL_NAMESPACE ? e.TEMPORAL_NAMESPACE : ep.namespace,
    taskQueue: env.KEYFLOW_TASK_QUEUE ? e.KEYFLOW_TASK_QUEUE : ep.taskQueue,
    source: `${stateDir}/endpoints.json`,
  };
}

const NOWHERE =
  'no Temporal to talk to: set TEMPORAL_ADDRESS (host:port), or start keyflow\'s local stack with `keyflow start` ' +
  '(it writes endpoints.json into its state folder, KEYFLOW_STATE_DIR)';

export interface Connected {
  ctx: ClientContext;
  target: Target;
  close(): Promise<void>;
}

export async function connect(env: NodeJS.ProcessEnv): Promise<Connected> {
  const target = findTarget(env);
  if (!target) throw new CliError(ExitCode.unreachable, NOWHERE, [], 'Unreachable');
  // Loaded here: commands that need no server (the calendar) start faster without it.
  const { Client, Connection } = await import('@temporalio/client');
  let connection: Connection;
  try {
    connection = await Connection.connect({ address: target.address, connectTimeout: '5s' });
  } catch (err) {
    const hint = target.source === 'TEMPORAL_ADDRESS' ? '' : ' — is `keyflow start` still running?';
    throw new CliError(ExitCode.unreachable, `cannot reach Temporal at ${target.address} (from ${target.source})${hint}: ${(err as Error).message}`, [], 'Unreachable');
  }
  const client = new Client({ connection, namespace: target.namespace });
  return { ctx: { client, taskQueue: target.taskQueue }, target, close: () => connection.close() };
}

/** Runs `fn` with a connected client and closes the connection afterwards, whatever happens. */
export async function withClient<T>(env: NodeJS.ProcessEnv, fn: (ctx: ClientContext) => Promise<T>): Promise<T> {
  const c = await connect(env);
  try {
    return await fn(c.ctx);
  } finally {
    await c.close().catch(() => undefined);
  }
}
