import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hashToken, newToken } from '../../api/auth';
import { startApi, type RunningApi } from '../../api/start';
import type { WorkingDayCalendar } from '../../domain/calendar';
import { startHarness, type E2EHarness } from './e2e';

/** Who a test acts as: a role, or a department (its department token). */
export type Who = 'admin' | 'supervisor' | 'meetingOffice' | string;

export interface ApiAnswer {
  status: number;
  // Bodies of every endpoint pass through here; each test narrows the one it reads with its assertions.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export interface ApiHarness {
  h: E2EHarness;
  api: RunningApi;
  /** The service token of `who`, for the command line (KEYFLOW_TOKEN). */
  token(who: Who): string;
  /** A request with `as`'s token. */
  call(method: 'GET' | 'POST', url: string, as: Who, body?: unknown): Promise<ApiAnswer>;
  stop(): Promise<void>;
}

const ROLES = new Set(['admin', 'supervisor', 'meetingOffice']);

export interface ServiceApi {
  api: RunningApi;
  /** The service token of each of `who` (token id `test-<who>`). */
  tokens: Map<Who, string>;
  /** The API's user store file (empty at start). */
  usersFile: string;
  stop(): Promise<void>;
}

/**
 * The HTTP API on a free port in front of a running harness, with a service token for each of
 * `who` (roles, or department ids) and an empty user store; answers checked against their schemas.
 */
export async function startServiceApi(name: string, h: E2EHarness, who: readonly Who[]): Promise<ServiceApi> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `keyflow-${name}-`));
  const tokens = new Map(who.map((w) => [w, newToken()]));
  const file = path.join(tmp, 'tokens.json');
  const roleOf = (w: Who) => (ROLES.has(w) ? { role: w } : { role: 'department', department: w });
  fs.writeFileSync(file, JSON.stringify({ tokens: who.map((w) => ({ id: `test-${w.toLowerCase()}`, ...roleOf(w), hash: hashToken(tokens.get(w)!) })) }));
  const usersFile = path.join(tmp, 'users.json');
  const api = await startApi({ ctx: { client: h.client, taskQueue: h.taskQueue }, tokens: file, users: usersFile, port: 0, logger: false, strictResponses: true });
  return {
    api,
    tokens,
    usersFile,
    async stop() {
      await api.stop();
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}

/**
 * The real stack's worker (startHarness) with the HTTP API in front of it on a free port, and a
 * token for each of `who` (roles, or department ids), answers checked against their schemas.
 */
export async function startApiHarness(name: string, who: readonly Who[], opts: { calendar?: WorkingDayCalendar; namespace?: string } = {}): Promise<ApiHarness> {
  const h = await startHarness(name, opts);
  const { api, tokens, stop } = await startServiceApi(name, h, who);
  return {
    h,
    api,
    token: (w) => tokens.get(w)!,
    async call(method, url, as, body) {
      const headers: Record<string, string> = { authorization: `Bearer ${tokens.get(as)}` };
      if (body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(`${api.url}${url}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: res.status, body: await res.json() };
    },
    async stop() {
      await stop();
      await h.stop();
    },
  };
}

/** Polls `probe` until it gives a value (not undefined/false), within a real-time bound. */
export async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
