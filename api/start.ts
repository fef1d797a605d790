import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { ClientContext } from '../client/projects';
import { loadTokenFile, type TokenStore } from './auth';
import { buildServer, type ApiLogging } from './server';
import type { LimitOptions, SessionOptions } from './sessions';
import { openUserStore, type UserStore } from './users';

export interface StartApiOptions {
  ctx: ClientContext;
  /** The token file (KEYFLOW_API_TOKENS), or a store already loaded. */
  tokens: string | TokenStore;
  /** The user store's file (created when missing), or a store already open; none: service tokens only. */
  users?: string | UserStore;
  session?: Partial<SessionOptions>;
  loginLimits?: Partial<LimitOptions>;
  /** 0 picks a free port. */
  port: number;
  /** Default 127.0.0.1. */
  host?: string;
  logger?: ApiLogging;
  /** Answers that break their schema fail with 500 instead of a logged warning (tests). */
  strictResponses?: boolean;
  /** When `port` is taken, listen on a free one instead of failing (the run command: it says which). */
  fallbackToFreePort?: boolean;
  /** The clock of the answers (overdue, working days left); tests move it to see deadlines pass. */
  now?: () => Date;
}

export interface RunningApi {
  /** Base URL, e.g. http://127.0.0.1:8080 — the dashboard is at `${url}/dashboard`. */
  url: string;
  port: number;
  /** Set when the asked port was taken and the API listens on another one. */
  portTaken?: number;
  app: FastifyInstance;
  stop(): Promise<void>;
}

/** Builds the API and listens; `stop()` closes it, letting requests in flight finish. */
export async function startApi(opts: StartApiOptions): Promise<RunningApi> {
  const tokens = typeof opts.tokens === 'string' ? loadTokenFile(opts.tokens) : opts.tokens;
  const users = typeof opts.users === 'string' ? openUserStore(opts.users) : opts.users;
  const app = buildServer({ ctx: opts.ctx, tokens, users, session: opts.session, loginLimits: opts.loginLimits, logger: opts.logger, strictResponses: opts.strictResponses, now: opts.now });
  const host = opts.host ?? '127.0.0.1';
  let portTaken: number | undefined;
  try {
    await app.listen({ port: opts.port, host }).catch(async (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EADDRINUSE' || !opts.fallbackToFreePort) throw err;
      portTaken = opts.port;
      await app.listen({ port: 0, host });
    });
  } catch (err) {
    await app.close();
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new Error(`the API cannot listen on ${host}:${opts.port}: the port is in use (another keyflow run command?); set KEYFLOW_API_PORT to another port, or 0 for any free one`, { cause: err });
    }
    throw err;
  }
  const { port } = app.server.address() as AddressInfo;
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shown}:${port}`,
    port,
    ...(portTaken !== undefined ? { portTaken } : {}),
    app,
    async stop() {
      await app.close();
    },
  };
}
