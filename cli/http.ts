/**
 * The acting commands speak to the HTTP API with a credential, so the command line can act only
 * as the user (or service) the credential belongs to — the API records that principal as the
 * actor. The credential comes, as `gh` and `kubectl` users expect, from `KEYFLOW_TOKEN`, else from
 * the config file (`KEYFLOW_CONFIG`, default `~/.config/keyflow/config.json`, which
 * `keyflow login` writes); the API's address from `KEYFLOW_API_URL`, the config file, the running
 * local stack's endpoints.json, or http://127.0.0.1:$KEYFLOW_API_PORT.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { readEndpoints } from '../stack/endpointsFile';
import { defaultStateDir } from '../stack/paths';
import { environment } from './connect';
import { CliError, ExitCode } from './exitCodes';

export const CliConfig = z.object({
  /** The API's base URL, e.g. http://127.0.0.1:8080. */
  api: z.string().url('must be the API\'s URL, e.g. http://127.0.0.1:8080').optional(),
  /** An API token (keyflow tokens add, or an administrator gave it). */
  token: z.string().min(16, 'must be an API token').optional(),
});
export type CliConfig = z.infer<typeof CliConfig>;

export function configPath(env: NodeJS.ProcessEnv): string {
  if (env.KEYFLOW_CONFIG) return env.KEYFLOW_CONFIG;
  const base = env.XDG_CONFIG_HOME || path.join(env.HOME || os.homedir(), '.config');
  return path.join(base, 'keyflow', 'config.json');
}

export function readConfig(env: NodeJS.ProcessEnv): CliConfig {
  const file = configPath(env);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new CliError(ExitCode.badInput, `${file}: cannot read the config file: ${(err as Error).message}`);
  }
  const parsed = CliConfig.safeParse(raw);
  if (!parsed.success) throw new CliError(ExitCode.badInput, `${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

/** Writes the config file readable by its owner only. */
export function writeConfig(env: NodeJS.ProcessEnv, config: CliConfig): string {
  const file = configPath(env);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
  return file;
}

export function apiUrl(env: NodeJS.ProcessEnv, config: CliConfig = readConfig(env)): string {
  if (env.KEYFLOW_API_URL) return env.KEYFLOW_API_URL.replace(/\/+$/, '');
  if (config.api) return config.api.replace(/\/+$/, '');
  const e = environment(env);
  const running = readEndpoints(e.KEYFLOW_STATE_DIR ?? defaultStateDir(env));
  return running?.apiUrl ?? `http://127.0.0.1:${e.KEYFLOW_API_PORT}`;
}

const NO_CREDENTIAL =
  'no credential: acting commands go through the API as a signed-in user; set KEYFLOW_TOKEN to your API token, or run `keyflow login --token TOKEN` (an administrator makes one with `keyflow tokens add USER`)';

export interface ApiAnswer {
  status: number;
  body: unknown;
}

/** The exit code of an API refusal by its status. */
function exitOf(status: number): ExitCode {
  if (status === 400 || status === 413 || status === 415 || status === 422) return ExitCode.badInput;
  if (status === 401) return ExitCode.noCredential;
  if (status === 403) return ExitCode.forbidden;
  if (status === 404) return ExitCode.notFound;
  if (status >= 500) return ExitCode.unexpected;
  return ExitCode.refused;
}

/**
 * Sends a request to the API with the credential; answers the body of a 2xx and throws a CliError
 * carrying the API's error type, message and issues otherwise. `token` overrides the credential
 * (keyflow login checks the one it is given).
 */
export async function callApi(env: NodeJS.ProcessEnv, method: 'GET' | 'POST' | 'DELETE', url: string, body?: unknown, token?: string): Promise<unknown> {
  const config = readConfig(env);
  const credential = token ?? env.KEYFLOW_TOKEN ?? config.token;
  if (!credential) throw new CliError(ExitCode.noCredential, NO_CREDENTIAL, [], 'NoCredential');
  const base = apiUrl(env, config);
  let res: Response;
  try {
    res = await fetch(`${base}${url}`, {
      method,
      headers: { authorization: `Bearer ${credential}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (err) {
    throw new CliError(ExitCode.unreachable, `cannot reach the keyflow API at ${base} (set KEYFLOW_API_URL, or start the stack with keyflow start): ${(err as Error).message}`, [], 'Unreachable');
  }
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: reported as text below
  }
  if (res.ok) return parsed;
  const e = (parsed ?? {}) as { error?: string; message?: string; issues?: Array<{ field: string; rule: string }> };
  const message = res.status === 401 ? `${e.message ?? 'unauthorized'} — ${NO_CREDENTIAL.replace(/^no credential: /, '')}` : (e.message ?? `HTTP ${res.status}`);
  throw new CliError(exitOf(res.status), message, (e.issues ?? []).map((i) => ({ field: i.field, rule: i.rule })), e.error ?? `HTTP${res.status}`);
}

/** A stand-in actor for checking a request locally: the API sets the real one from the credential. */
export const LOCAL_ACTOR = { by: 'cli' } as const;

/** The request without its stand-in actor, as sent. */
export function withoutActor<T extends { actor?: unknown }>(request: T): Omit<T, 'actor'> {
  const { actor: _actor, ...rest } = request;
  return rest;
}
