import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ZodEffects, ZodObject, type z } from 'zod';
import type { ClientContext } from '../client/projects';
import type { Principal, Role } from '../schemas/api';
import type { Actor } from '../schemas/common';
import { USER_ROLE_NAMES } from '../schemas/users';
import { ValidationError, issuesOf } from '../schemas/validation';
import { bearerToken, cookieValue, SESSION_COOKIE, type Access, type TokenStore } from './auth';
import type { LoginLimiter, SessionStore } from './sessions';
import { userPrincipal, type UserStore } from './users';
import { withAliases } from '../client/aliases';
import { AnswerOutsideSchema, forbidden, invalid, unauthorized } from './errors';
import { bodyTextIssues, refuseIssues } from './jsonBody';

/**
 * A route declared by its contract: zod schemas for path, query, body and answer (the same
 * schemas the workflows use), who may call it, and what it does. `addRoute` registers it with
 * Fastify and records it for the OpenAPI document, so the document cannot drift from the routes.
 *
 * Order of checks, so that a refused request tells nothing and changes nothing:
 * token (401) → role (403) → scope by path (403) → path and query (400) → `authorize` (403,
 * may read workflow state) → body (400) → handler.
 */
export interface RouteDef<
  P extends z.ZodTypeAny = z.ZodTypeAny,
  Q extends z.ZodTypeAny = z.ZodTypeAny,
  B extends z.ZodTypeAny = z.ZodTypeAny,
  R extends z.ZodTypeAny = z.ZodTypeAny,
  A extends Access = Access,
> {
  method: 'GET' | 'POST' | 'DELETE';
  /** Fastify syntax, `/projects/:code`. */
  url: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  access: A;
  /**
   * How `scope`, `authorize` or the workflow narrow a role that `access` lets in, in a few words
   * for the role matrix (`department: 'own'`). Required for a route with `scope` or `authorize`.
   */
  narrowed?: Partial<Record<Role, string>>;
  /** Refuses by the raw path alone, before anything is parsed (another department's inbox): the reason, or null. */
  scope?: (principal: Principal, params: Record<string, string>) => string | null;
  params?: P;
  query?: Q;
  body?: B;
  /** The body as documented, when the validated body also takes fields from the path. */
  bodyDoc?: z.ZodTypeAny;
  /** Completes the raw body from the path and the caller before it is validated. */
  prepareBody?: (raw: unknown, params: z.output<P>, principal: Principal) => unknown;
  /** Refusals that need workflow state (the project's lead department), after path and query parse. */
  authorize?: (input: { params: z.output<P>; query: z.output<Q>; principal: Principal }) => Promise<void>;
  response: R;
  status?: 200 | 201;
  /** Refusal statuses to document besides 400, 401 and 403. */
  refusals?: number[];
  /** Content type of the answer when it is not JSON (e.g. text/html). */
  produces?: string;
  handler(input: {
    params: z.output<P>;
    query: z.output<Q>;
    body: z.output<B>;
    principal: A extends 'public' ? undefined : Principal;
    request: FastifyRequest;
    /** For headers the answer needs (Set-Cookie, Retry-After). */
    reply: FastifyReply;
  }): Promise<z.input<R>>;
}

// The registry holds routes of every shape; their handlers are only called through addRoute.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRouteDef = RouteDef<any, any, any, any, any>;

export interface ApiDeps {
  ctx: ClientContext;
  /** Service tokens (the token file). */
  tokens: TokenStore;
  /** People: their passwords and tokens (api/users.ts); buildServer always sets these three. */
  users?: UserStore;
  sessions?: SessionStore;
  loginLimiter?: LoginLimiter;
  /** Every route added, in order, for the OpenAPI document. */
  registry: AnyRouteDef[];
  /**
   * Every answer is checked against its schema and a mismatch fails with 500, never leaving as a
   * wrong body. Strict (tests): the 500's body names the broken fields. Otherwise (production)
   * it carries only an incident id, which the error log line carries with the fields.
   */
  strictResponses: boolean;
  /** The clock for "now" in answers (overdue, working days left). */
  now: () => Date;
}

const principals = new WeakMap<FastifyRequest, Principal>();

/**
 * The caller of a request, from `Authorization: Bearer` (a service token of the token file, else a
 * user's token) or, without that header, the session cookie; null when neither is known.
 */
export function authenticate(deps: Pick<ApiDeps, 'tokens' | 'users' | 'sessions'>, request: FastifyRequest): Principal | null | 'none' {
  const token = bearerToken(request.headers.authorization);
  if (token) {
    const service = deps.tokens.verify(token);
    if (service) return service;
    const user = deps.users?.verifyToken(token);
    return user ? userPrincipal(user.user, user.tokenId) : null;
  }
  const session = cookieValue(request.headers.cookie, SESSION_COOKIE);
  if (session) {
    const user = deps.sessions?.user(session);
    return user ? userPrincipal(user) : null;
  }
  return 'none';
}

/** The caller of an authenticated request. */
export function principalOf(request: FastifyRequest): Principal | undefined {
  return principals.get(request);
}

function parse<S extends z.ZodTypeAny>(schema: S | undefined, value: unknown, where: 'path' | 'query' | 'body'): z.output<S> {
  if (!schema) return undefined as z.output<S>;
  const r = schema.safeParse(withAliases(value, where));
  if (!r.success) throw invalid(new ValidationError(issuesOf(r.error)), where);
  return r.data;
}

/** Registers `def` on `app` and records it in the registry. */
export function addRoute<P extends z.ZodTypeAny, Q extends z.ZodTypeAny, B extends z.ZodTypeAny, R extends z.ZodTypeAny, A extends Access>(
  app: FastifyInstance,
  deps: ApiDeps,
  def: RouteDef<P, Q, B, R, A>,
): void {
  deps.registry.push(def);
  const stamps = takesActor(def.body);
  app.route({
    method: def.method,
    url: def.url,
    onRequest: async (request, reply) => {
      if (def.access === 'public') return;
      void reply.header('cache-control', 'no-store');
      const principal = authenticate(deps, request);
      if (principal === 'none') throw unauthorized('no token: send the header Authorization: Bearer <token>, or sign in (POST /session)');
      if (!principal) {
        throw unauthorized(
          request.headers.authorization
            ? 'the token is not known (revoked, mistyped, its user disabled, or from another installation)'
            : 'the session has ended (signed out, expired, or the password was reset): sign in again (POST /session)',
        );
      }
      principals.set(request, principal);
      request.log = request.log.child({ tokenId: principal.tokenId, userId: principal.userId });
      if (!(def.access as readonly string[]).includes(principal.role)) {
        throw forbidden(`a ${principal.role} token may not call ${def.method} ${def.url} (${def.summary}); allowed: ${(def.access as readonly string[]).join(', ')}`);
      }
      const refusal = def.scope?.(principal, request.params as Record<string, string>);
      if (refusal) throw forbidden(refusal);
    },
    handler: async (request, reply) => {
      const principal = principals.get(request);
      // The body's strings are checked by the JSON parser; the path's and the query's here.
      const textIssues = [...bodyTextIssues(request.params, 'path'), ...bodyTextIssues(request.query ?? {}, 'query')];
      if (textIssues.length > 0) throw refuseIssues(textIssues);
      const params = parse(def.params, request.params, 'path');
      const query = parse(def.query, request.query ?? {}, 'query');
      const stamped = stamps && principal ? stampActor(request.body, principal) : request.body;
      if (def.authorize && principal) await def.authorize({ params, query, principal });
      const raw = def.prepareBody && principal ? def.prepareBody(stamped, params, principal) : stamped;
      const body = parse(def.body, raw, 'body');
      const result = await def.handler({ params, query, body, principal: principal as never, request, reply });
      if (!def.produces) {
        const checked = def.response.safeParse(result);
        if (!checked.success) throw new AnswerOutsideSchema(def.operationId, issuesOf(checked.error), deps.strictResponses);
      } else {
        void reply.type(def.produces);
      }
      void reply.status(def.status ?? 200);
      return result;
    },
  });
}

const ACTOR_FIELDS = ['by', 'department', 'userId', 'name', 'role', 'tokenId'] as const;

/** The actor an action records: the principal, whatever the body says (schemas/common.ts Actor). */
export function actorOf(p: Principal): Actor {
  const role = p.roles && p.roles.length > 0 ? p.roles.join(',') : p.role;
  const by = p.userId
    ? `${p.userId}:${p.name ?? p.userId}（${(p.roles ?? []).map((r) => USER_ROLE_NAMES[r]).join('、')}）`
    : `api:${p.tokenId ?? 'unknown'}`;
  return {
    by: by.slice(0, 120),
    ...(p.department ? { department: p.department } : {}),
    ...(p.userId ? { userId: p.userId } : {}),
    ...(p.name ? { name: p.name } : {}),
    role,
    ...(p.tokenId ? { tokenId: p.tokenId } : {}),
  };
}

/** Whether a body schema carries an `actor` (through refinements and transforms). */
export function takesActor(schema: z.ZodTypeAny | undefined): boolean {
  let s = schema;
  while (s instanceof ZodEffects) s = s.innerType();
  return s instanceof ZodObject && 'actor' in (s.shape as object);
}

/**
 * The body with `actor` set to the principal. A body that names someone else — another `by`,
 * department, user, role or token — is refused (403) before anything is read: the actor is who
 * signed in, and a request cannot speak for another person or department.
 */
export function stampActor(raw: unknown, principal: Principal): unknown {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return raw;
  const body = raw as { actor?: unknown };
  const actor = actorOf(principal);
  if (body.actor !== undefined && body.actor !== null && typeof body.actor === 'object' && !Array.isArray(body.actor)) {
    const named = body.actor as Record<string, unknown>;
    for (const f of ACTOR_FIELDS) {
      if (named[f] !== undefined && named[f] !== actor[f]) {
        throw forbidden(
          `actor.${f}: 记录的操作人是当前登录者（${actor.by}），请求不能以他人名义操作 (the actor is who signed in, ${actor.by}; a request may not name another: ${JSON.stringify(named[f]).slice(0, 80)})`,
        );
      }
    }
    // An actor that names no one is malformed, not a blank to fill: the schema refuses it (400).
    if (named.by === undefined) return raw;
  } else if (body.actor !== undefined) {
    return raw;
  }
  return { ...body, actor };
}
