import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { ClientContext } from '../client/projects';
import type { TokenStore } from './auth';
import { DEFAULT_LIMITS, DEFAULT_SESSION, loginLimiter, sessionStore, type LimitOptions, type SessionOptions } from './sessions';
import { noUserStore, type UserStore } from './users';
import { peopleRoutes } from './routes/people';
import { dashboardRoutes } from './dashboard/serve';
import { calendarRoutes } from './routes/calendar';
import { frameworkError, installErrorHandling } from './errors';
import { installJsonBodyParser } from './jsonBody';
import type { ApiDeps, AnyRouteDef } from './route';
import { meetingRoutes } from './routes/meetings';
import { projectRoutes } from './routes/projects';
import { rankingRoutes } from './routes/rankings';
import { reviewRoutes } from './routes/reviews';
import { supervisionRoutes } from './routes/supervision';
import { exportRoutes } from './routes/exports';
import { monthlyReportRoutes } from './routes/monthlyReports';
import { systemRoutes } from './routes/system';

/** Where the request log goes; `false` for none. The level defaults to info. */
export type ApiLogging = false | { level?: string; stream?: NodeJS.WritableStream };

export interface ServerOptions {
  ctx: ClientContext;
  tokens: TokenStore;
  /** People (api/users.ts openUserStore); without it only service tokens are known. */
  users?: UserStore;
  session?: Partial<SessionOptions>;
  loginLimits?: Partial<LimitOptions>;
  logger?: ApiLogging;
  /** Fail answers that do not match their schema (tests) instead of logging a warning. */
  strictResponses?: boolean;
  now?: () => Date;
}

/** Query parameters whose values never reach the log, whatever a client puts in them. */
const SECRET_PARAM = /token|auth|key|secret|pass/i;

/** The URL as logged: secret-looking query values replaced. */
export function loggableUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const parts = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const key = pair.split('=', 1)[0] ?? '';
      let name = key;
      try {
        name = decodeURIComponent(key);
      } catch {
        // an undecodable name is judged as written
      }
      return SECRET_PARAM.test(name) ? `${key}=[redacted]` : pair;
    });
  return `${url.slice(0, q)}?${parts.join('&')}`;
}

function loggerOptions(logging: ApiLogging | undefined): FastifyServerOptions['logger'] {
  if (logging === false) return false;
  return {
    level: logging?.level ?? 'info',
    ...(logging?.stream ? { stream: logging.stream } : {}),
    // The default request serializer logs no headers; this one also keeps tokens out of URLs,
    // and redaction covers any header object a log line might carry.
    redact: {
      paths: ['req.headers.authorization', 'headers.authorization', 'authorization', 'req.headers.cookie', 'headers.cookie', 'cookie', 'password', '*.password', 'token', '*.token', 'res.headers["set-cookie"]'],
      censor: '[redacted]',
    },
    serializers: {
      req: (req: { method: string; url: string; ip?: string }) => ({ method: req.method, url: loggableUrl(req.url), remoteAddress: req.ip }),
    },
  };
}

/**
 * The HTTP API: one plugin per resource, all declared through `addRoute` so the OpenAPI document
 * (`/openapi.json`) is built from the same zod schemas that validate the requests. Reads no
 * environment: the caller passes the Temporal client context, the tokens and the logging.
 */
export function buildServer(opts: ServerOptions): FastifyInstance {
  const app = Fastify({ logger: loggerOptions(opts.logger), bodyLimit: 1024 * 1024, frameworkErrors: frameworkError });
  installErrorHandling(app);
  installJsonBodyParser(app);
  const registry: AnyRouteDef[] = [];
  const users = opts.users ?? noUserStore();
  const deps: ApiDeps = {
    ctx: opts.ctx,
    tokens: opts.tokens,
    users,
    sessions: sessionStore(users, { ...DEFAULT_SESSION, ...opts.session }),
    loginLimiter: loginLimiter({ ...DEFAULT_LIMITS, ...opts.loginLimits }),
    registry,
    strictResponses: opts.strictResponses ?? false,
    now: opts.now ?? (() => new Date()),
  };
  void app.register(systemRoutes, deps);
  void app.register(peopleRoutes, deps);
  void app.register(projectRoutes, deps);
  void app.register(reviewRoutes, deps);
  void app.register(meetingRoutes, deps);
  void app.register(supervisionRoutes, deps);
  void app.register(exportRoutes, deps);
  void app.register(monthlyReportRoutes, deps);
  void app.register(rankingRoutes, deps);
  void app.register(calendarRoutes, deps);
  void app.register(dashboardRoutes, deps);
  registries.set(app, registry);
  return app;
}

const registries = new WeakMap<FastifyInstance, readonly AnyRouteDef[]>();

/** The routes of a server built by buildServer, as declared (complete once `app.ready()` resolved). */
export function routesOf(app: FastifyInstance): readonly AnyRouteDef[] {
  const routes = registries.get(app);
  if (!routes) throw new Error('not a keyflow API server (buildServer)');
  return routes;
}
